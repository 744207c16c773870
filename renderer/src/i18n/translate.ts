/**
 * Messages in a given locale: plain functions over the dictionaries, so they can be tested
 * without Svelte. The UI calls them through index.svelte.ts, which supplies the current locale.
 */
import { formatBytes, formatList, formatNumber, type UiLocale } from '../lib/format';
import { en, type MessageKey } from './en';
import type { Speech } from './known-errors';
import { zhCN } from './zh-CN';

export type { MessageKey };

const dictionaries: Record<UiLocale, Partial<Record<string, string>> & Record<MessageKey, string>> =
  { en, 'zh-CN': zhCN };

/** `key`'s text in `locale` with `{name}` placeholders filled (numbers formatted); the `#one` variant when `count` is 1. */
export function translate(
  locale: UiLocale,
  key: MessageKey,
  params?: Record<string, string | number>,
): string {
  const dictionary = dictionaries[locale];
  const text = (params?.count === 1 ? dictionary[`${key}#one`] : undefined) ?? dictionary[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value, locale) : value;
  });
}

/** How `locale` says things: its dictionary, byte sizes and lists (see known-errors.ts). */
export function speechIn(locale: UiLocale): Speech {
  return {
    say: (key, params) => translate(locale, key, params),
    bytes: (bytes) => formatBytes(bytes, locale),
    list: (items) => formatList(items, locale),
  };
}
