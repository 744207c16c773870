/**
 * Every string the UI shows, in English and Simplified Chinese, and the Intl formatters for
 * numbers, sizes and dates, in the current locale. `t(key, params)` reads the current
 * locale (reactive), so a switch re-renders every string at once. The work is done by the
 * plain functions in translate.ts and lib/format.ts.
 */
import { isAppErrorData, type AppErrorData } from '../../../common/errors';
import * as format from '../lib/format';
import * as knownErrors from './known-errors';
import * as labels from './labels';
import { speechIn, translate, type MessageKey } from './translate';

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

/** How the current language says things, for the wording functions in known-errors.ts. */
export function speech(): knownErrors.Speech {
  return speechIn(current);
}

/**
 * An error in the UI language (known-errors.ts). Anything that is not an error main reported
 * is a fault of the app itself: said as such, never in a library's English.
 */
export function errorText(error: unknown): string {
  const data: AppErrorData = isAppErrorData(error)
    ? error
    : { kind: 'unexpected', message: String(error) };
  return knownErrors.errorText(speech(), data);
}

export function statusLabel(status: string): string {
  return labels.statusLabel(t, status);
}

export function visibilityLabel(visibility: string): string {
  return labels.visibilityLabel(t, visibility);
}

export function formatQuantity(value: number, unit: labels.FieldUnit): string {
  return labels.formatQuantity(current, value, unit);
}

export function unitName(unit: labels.FieldUnit): string {
  return labels.unitName(current, unit);
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
