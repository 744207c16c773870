/**
 * The activity view's words and formats: action and outcome codes from main in the UI's
 * language, times to the second, and the diagnostics text for the clipboard. Pure: the
 * caller passes its `t` and locale.
 */
import type { ActivityAction, ActivityOutcome } from '../../../common/activity';
import type { Diagnostics } from '../../../common/diagnostics';
import type { MessageKey } from '../i18n/en';
import type { Say } from '../i18n/labels';
import type { UiLocale } from './format';

const actionKeys: Record<ActivityAction, MessageKey> = {
  created: 'activity.action.created',
  uploaded: 'activity.action.uploaded',
  imported: 'activity.action.imported',
  edited: 'activity.action.edited',
  deleted: 'activity.action.deleted',
  deactivated: 'activity.action.deactivated',
  reactivated: 'activity.action.reactivated',
  'member-added': 'activity.action.member-added',
  'member-removed': 'activity.action.member-removed',
  'share-accepted': 'activity.action.share-accepted',
  'share-rejected': 'activity.action.share-rejected',
  'share-pending': 'activity.action.share-pending',
  copied: 'activity.action.copied',
};

export function actionLabel(say: Say, action: ActivityAction): string {
  return say(actionKeys[action]);
}

/** "Done", or "Failed" with what is known for support: HTTP status and error code. */
export function outcomeLabel(say: Say, outcome: ActivityOutcome): string {
  if (outcome.ok) return say('activity.outcome.ok');
  const facts = [
    outcome.status === undefined ? undefined : `HTTP ${outcome.status}`,
    outcome.code,
  ].filter((fact) => fact !== undefined);
  return facts.length === 0
    ? say('activity.outcome.failed')
    : say('activity.outcome.failedWith', { facts: facts.join(' · ') });
}

const timeFormats = new Map<UiLocale, Intl.DateTimeFormat>();

/** Date and time to the second, in the UI's locale (an audit trail needs the seconds). */
export function formatTime(iso: string, locale: UiLocale): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  let format = timeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    timeFormats.set(locale, format);
  }
  return format.format(time);
}

/** What "Copy diagnostics" puts on the clipboard: JSON, the same in every UI language. */
export function diagnosticsText(diagnostics: Diagnostics): string {
  return JSON.stringify(diagnostics, null, 2);
}
