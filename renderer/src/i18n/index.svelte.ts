/**
 * Every string the UI shows, in English and Simplified Chinese, and the Intl formatters for
 * numbers, sizes and dates, in the current locale. `t(key, params)` reads the current
 * locale (reactive), so a switch re-renders every string at once. The work is done by the
 * plain functions in translate.ts and lib/format.ts.
 */
import * as format from '../lib/format';
import { errorMessage, translate, type MessageKey } from './translate';

export type { UiLocale } from '../lib/format';
export { uiLocaleFor } from '../lib/format';
export type { MessageKey };

let current = $state<format.UiLocale>('en');

export function getLocale(): format.UiLocale {
  return current;
}

export function setLocale(locale: format.UiLocale): void {
  current = locale;
  document.documentElement.lang = locale;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(current, key, params);
}

/** An error's plain message in the UI language (see translate.ts, errorMessage). */
export function errorText(error: unknown): string {
  return errorMessage(current, error);
}

export function formatNumber(value: number): string {
  return format.formatNumber(value, current);
}

export function formatBytes(bytes: number | null | undefined): string {
  return format.formatBytes(bytes, current);
}

export function formatRate(bytesPerSecond: number): string {
  return t('transfers.rate', { rate: formatBytes(bytesPerSecond) });
}

export function formatDate(iso: string | null | undefined): string {
  return format.formatDate(iso, current);
}

export function formatDuration(seconds: number | null | undefined): string {
  return format.formatDuration(seconds, current);
}
