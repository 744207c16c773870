/**
 * Words for the few surfaces the OS draws for main — desktop notifications, the application
 * menu, the titles and filters of native dialogs — in the app's language. The renderer owns
 * the words: main borrows its dictionaries and its plain `translate` (renderer/src/i18n, no
 * DOM or Svelte) only for these surfaces. Everything else main says is a code the renderer
 * words.
 */
import type { AppErrorData } from '../common/errors';
import type { Locale } from '../common/profile';
import { errorText } from '../renderer/src/i18n/known-errors';
import type { Say } from '../renderer/src/i18n/labels';
import { speechIn, translate } from '../renderer/src/i18n/translate';
import { uiLocaleFor, type UiLocale } from '../renderer/src/lib/format';

export type { MessageKey } from '../renderer/src/i18n/translate';
export type { Say, UiLocale };

/** The locales the app speaks. */
export const uiLocales: readonly UiLocale[] = ['en', 'zh-CN'];

/** A language's words: a dictionary key with its `{name}` params filled in, and an error's reason. */
export interface Words {
  locale: UiLocale;
  say: Say;
  error: (error: AppErrorData) => string;
}

/** The language the app speaks: the one chosen in Settings, or the system's when it follows it. */
export function appLocale(setting: Locale, systemLocale: string): UiLocale {
  return setting === 'system' ? uiLocaleFor(systemLocale) : setting;
}

export function wordsFor(locale: UiLocale): Words {
  const speech = speechIn(locale);
  return {
    locale,
    say: (key, params) => translate(locale, key, params),
    error: (error) => errorText(speech, error),
  };
}
