import type { TestConnectionResult } from '../../../common/profile';
import { errorMessage, translate } from '../i18n/translate';
import type { UiLocale } from './format';

/** A connection test's outcome in plain words: what worked, or which step failed and why. */
export function testResultText(result: TestConnectionResult, locale: UiLocale): string {
  if (result.ok) {
    return translate(locale, 'profile.testOk', {
      ms: result.tookMs,
      endpoint: result.imageEndpoint,
    });
  }
  const step = translate(locale, `profile.step.${result.step}`);
  return translate(locale, 'profile.testFailed', {
    step,
    reason: errorMessage(locale, result.error),
  });
}
