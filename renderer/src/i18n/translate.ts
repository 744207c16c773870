/**
 * Messages in a given locale: plain functions over the dictionaries, so they can be tested
 * without Svelte. The UI calls them through index.svelte.ts, which supplies the current locale.
 */
import { defaultMessages, type ErrorKind } from '../../../common/errors';
import { formatNumber, type UiLocale } from '../lib/format';
import { en, type MessageKey } from './en';
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

const errorKeys: Record<ErrorKind, MessageKey> = {
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

/**
 * An error's plain message in `locale`: main writes messages in English, so where it used
 * the default wording for the kind, show the translated one instead.
 */
export function errorMessage(locale: UiLocale, error: unknown): string {
  if (typeof error === 'object' && error !== null && 'kind' in error && 'message' in error) {
    const { kind, message } = error as Partial<Record<'kind' | 'message', unknown>>;
    if (isErrorKind(kind) && message === defaultMessages[kind]) {
      return translate(locale, errorKeys[kind]);
    }
    if (typeof message === 'string') return message;
  }
  return error instanceof Error ? error.message : String(error);
}

const isErrorKind = (kind: unknown): kind is ErrorKind =>
  typeof kind === 'string' && Object.hasOwn(errorKeys, kind);
