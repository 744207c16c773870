/**
 * Numbers, sizes, lists, dates and durations formatted for a UI locale with Intl. Pure: the locale
 * is a parameter (the i18n module passes the current one), formatters are cached.
 */
export type UiLocale = 'en' | 'zh-CN';

/** 'zh', 'zh-CN', 'zh-Hans-SG' → Chinese; anything else → English. */
export function uiLocaleFor(systemLocale: string): UiLocale {
  return /^zh\b/i.test(systemLocale) ? 'zh-CN' : 'en';
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: UiLocale, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

export function formatNumber(value: number, locale: UiLocale): string {
  return numberFormat(locale).format(value);
}

const listFormats = new Map<UiLocale, Intl.ListFormat>();

/** Items joined as the locale joins a list ("a, b and c", "a、b和c"). */
export function formatList(items: string[], locale: UiLocale): string {
  let format = listFormats.get(locale);
  if (!format) {
    format = new Intl.ListFormat(locale, { type: 'conjunction' });
    listFormats.set(locale, format);
  }
  return format.format(items);
}

const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

/**
 * Binary multiples shown with the locale's short unit names (1.5 GB = 1.5 × 1024³ bytes, as
 * file managers do); '—' for no size or one that cannot be a size (negative, NaN, ∞).
 */
export function formatBytes(bytes: number | null | undefined, locale: UiLocale): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return numberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : value < 10 ? 2 : 1,
  }).format(value);
}

const dateFormats = new Map<UiLocale, Intl.DateTimeFormat>();

/** An ISO timestamp as the locale's medium date and short time; '—' for none, the text itself if it is not a date. */
export function formatDate(iso: string | null | undefined, locale: UiLocale): string {
  if (!iso) return '—';
  const date = Date.parse(iso);
  if (Number.isNaN(date)) return iso;
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    dateFormats.set(locale, format);
  }
  return format.format(date);
}

/** Seconds → "1 h 5 min", "42 s" in the locale's words; '—' for none or ∞. */
export function formatDuration(seconds: number | null | undefined, locale: UiLocale): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const part = (value: number, unit: 'hour' | 'minute' | 'second') =>
    numberFormat(locale, { style: 'unit', unit, unitDisplay: 'narrow' }).format(value);
  if (s >= 3600)
    return `${part(Math.floor(s / 3600), 'hour')} ${part(Math.floor((s % 3600) / 60), 'minute')}`;
  if (s >= 60) return `${part(Math.floor(s / 60), 'minute')} ${part(s % 60, 'second')}`;
  return part(s, 'second');
}
