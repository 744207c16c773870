/**
 * What main reports about updates (common/updates.ts), in the UI's language: the line the
 * update banner shows for each notice, and why updates are off. Pure: the caller passes its
 * `say` (index.svelte.ts's `t`).
 */
import type { UpdateProblem, UpdateStatus, UpdatesOffReason } from '../../../common/updates';
import type { MessageKey } from './en';
import type { Say } from './labels';

const offKeys: Record<UpdatesOffReason, MessageKey> = {
  development: 'update.off.development',
  environment: 'update.off.environment',
  policy: 'update.off.policy',
  'policy-invalid': 'update.off.policyInvalid',
  unsupported: 'update.off.unsupported',
};

const problemKeys: Record<UpdateProblem, MessageKey> = {
  unreachable: 'update.problem.unreachable',
  certificate: 'update.problem.certificate',
  'not-found': 'update.problem.notFound',
  'server-error': 'update.problem.serverError',
  'bad-feed': 'update.problem.badFeed',
  'bad-download': 'update.problem.badDownload',
  other: 'update.problem.other',
};

/** Why updates are off, or undefined while they are on. */
export function updatesOffText(say: Say, status: UpdateStatus): string | undefined {
  if (status.phase !== 'off') return undefined;
  return say(offKeys[status.reason], { path: status.policyFile ?? '' });
}

/** The banner's line for `status.notice`; undefined when there is nothing to say. */
export function updateNoticeText(say: Say, status: UpdateStatus): string | undefined {
  switch (status.phase) {
    case 'off':
      return status.notice === 'off' ? updatesOffText(say, status) : undefined;
    case 'checking':
      return status.notice === 'checking' ? say('update.checking') : undefined;
    case 'available':
    case 'downloading': {
      const percent = status.phase === 'downloading' ? status.percent : 0;
      return status.notice === 'downloading'
        ? say('update.downloading', { version: status.version, percent })
        : undefined;
    }
    case 'up-to-date':
      return status.notice === 'up-to-date'
        ? say('update.upToDate', { version: status.currentVersion })
        : undefined;
    case 'error':
      return status.notice === 'error'
        ? say(problemKeys[status.problem], { status: status.status ?? '' })
        : undefined;
    case 'ready': {
      const { version, transfersRunning: count } = status;
      if (status.notice === 'restart-pending') return say('update.restartPending', { version });
      if (status.notice === 'ready-transfers-running') {
        return say('update.readyTransfersRunning', { version, count });
      }
      return say('update.ready', { version });
    }
    case 'idle':
      return undefined;
  }
}
