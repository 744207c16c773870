/**
 * Every string the UI shows, in English and Simplified Chinese, and the Intl formatters for
 * numbers, sizes and dates. `t(key, params)` reads the current locale (reactive), so a
 * switch re-renders every string at once.
 */
import { defaultMessages, type AppErrorData, type ErrorKind } from '../../../common/errors';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type UiLocale = 'en' | 'zh-CN';
export type { MessageKey };

const dictionaries: Record<UiLocale, Partial<Record<string, string>> & Record<MessageKey, string>> =
  { en, 'zh-CN': zhCN };

let current = $state<UiLocale>('en');

export function getLocale(): UiLocale {
  return current;
}

export function setLocale(locale: UiLocale): void {
  current = locale;
  document.documentElement.lang = locale;
}

/** 'zh', 'zh-CN', 'zh-Hans-SG' → Chinese; anything else → English. */
export function uiLocaleFor(systemLocale: string): UiLocale {
  return /^zh\b/i.test(systemLocale) ? 'zh-CN' : 'en';
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const dictionary = dictionaries[current];
  const text = (params?.count === 1 ? dictionary[`${key}#one`] : undefined) ?? dictionary[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/**
 * An error's plain message in the UI language: main writes messages in English, so where it
 * used the default wording for the kind, show the translated one instead.
 */
export function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'kind' in error && 'message' in error) {
    const data = error as AppErrorData;
    if (data.message === defaultMessages[data.kind]) return t(errorKeys[data.kind]);
    return data.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export const errorKeys: Record<ErrorKind, MessageKey> = {
  auth: 'error.auth',
  forbidden: 'error.forbidden',
  'not-found': 'error.not-found',
  conflict: 'error.conflict',
  'bad-request': 'error.bad-request',
  unsupported: 'error.unsupported',
  server: 'error.server',
  network: 'error.network',
  tls: 'error.tls',
  timeout: 'error.timeout',
  cancelled: 'error.cancelled',
  validation: 'error.validation',
  integrity: 'error.integrity',
  filesystem: 'error.filesystem',
  settings: 'error.settings',
};

// Formatter caches, not state.
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${current}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(current, options);
    numberFormats.set(key, format);
  }
  return format;
}

export function formatNumber(value: number): string {
  return numberFormat().format(value);
}

const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

/** Binary multiples shown with the locale's short unit names (1.5 GB = 1.5 × 1024³ bytes, as file managers do). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return numberFormat({
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : value < 10 ? 2 : 1,
  }).format(value);
}

export function formatRate(bytesPerSecond: number): string {
  return t('transfers.rate', { rate: formatBytes(bytesPerSecond) });
}

// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache
const dateFormats = new Map<string, Intl.DateTimeFormat>();
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = Date.parse(iso);
  if (Number.isNaN(date)) return iso;
  let format = dateFormats.get(current);
  if (!format) {
    format = new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' });
    dateFormats.set(current, format);
  }
  return format.format(date);
}

/** Seconds → "1 h 5 min", "42 s" in the locale's words. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const part = (value: number, unit: 'hour' | 'minute' | 'second') =>
    numberFormat({ style: 'unit', unit, unitDisplay: 'narrow' }).format(value);
  if (s >= 3600)
    return `${part(Math.floor(s / 3600), 'hour')} ${part(Math.floor((s % 3600) / 60), 'minute')}`;
  if (s >= 60) return `${part(Math.floor(s / 60), 'minute')} ${part(s % 60, 'second')}`;
  return part(s, 'second');
}
