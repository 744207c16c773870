import type { TestConnectionResult } from '../../../common/profile';
import { errorText, formatNumber, t } from '../i18n/index.svelte';

/** A connection test's outcome in plain words: what worked, or which step failed and why. */
export function testResultText(result: TestConnectionResult): string {
  if (result.ok) {
    return t('profile.testOk', { ms: formatNumber(result.tookMs), endpoint: result.imageEndpoint });
  }
  const step = {
    auth: t('profile.step.auth'),
    catalog: t('profile.step.catalog'),
    list: t('profile.step.list'),
  }[result.step];
  return t('profile.testFailed', { step, reason: errorText(result.error) });
}
