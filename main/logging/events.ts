/**
 * What goes into the log file besides unexpected errors: every failed request (from the
 * transport's observer) and every transfer's start, retry and end (from the queue's change
 * events, so the queue knows nothing of logging).
 */
import type { AppErrorData } from '../../common/errors';
import {
  isActive,
  isFinished,
  type Transfer,
  type TransferProgressEvent,
  type TransferState,
} from '../../common/transfer';
import type { RequestFailure } from '../net/transport';
import type { AppLog } from './app-log';

/**
 * The machine-readable code of an error, if it has one: its `reason`, or the system's own
 * code (EIO, ERR_SSL_…) where that says more than a catch-all reason.
 */
export function errorCode(error: AppErrorData): string | undefined {
  const { details } = error;
  if (details === undefined) return undefined;
  return 'code' in details && details.code !== undefined ? details.code : details.reason;
}

function errorFields(error: AppErrorData) {
  return {
    kind: error.kind,
    status: error.status,
    code: errorCode(error),
    requestId: error.requestId,
    serverMessage: error.serverMessage,
  };
}

/** The host and path (with the query) of a URL, never its user or password. */
function target(url: string): { host: string; path: string } {
  try {
    const parsed = new URL(url);
    return { host: parsed.host, path: `${parsed.pathname}${parsed.search}` };
  } catch {
    return { host: '', path: url };
  }
}

/** The transport observer that logs each failed request; a cancelled one (pause, cancel) is the user's doing, not a failure. */
export function logRequestFailures(log: AppLog): (failure: RequestFailure) => void {
  return ({ method, url, error }) => {
    if (error.kind === 'cancelled') return;
    log.warn('request.failed', { method, ...target(url), ...errorFields(error) });
  };
}

function transferFields(transfer: Transfer) {
  return {
    transferId: transfer.id,
    transferKind: transfer.kind,
    profileId: transfer.profileId,
    imageId: transfer.imageId,
    attempt: transfer.attempts,
  };
}

/**
 * Logs each transfer's start (and restart after a pause or a retry), automatic retries
 * and end, from the queue's change events. Events are batched, so a step shorter than
 * one batch may go unseen; the end never does. Returns the unsubscribe.
 */
export function logTransfers(
  transfers: { onChange(listener: (event: TransferProgressEvent) => void): () => void },
  log: AppLog,
): () => void {
  const seen = new Map<string, { state: TransferState; attempts: number }>();
  return transfers.onChange(({ transfers: changed }) => {
    for (const transfer of changed) {
      const before = seen.get(transfer.id);
      seen.set(transfer.id, { state: transfer.state, attempts: transfer.attempts });
      if (before?.state === transfer.state && before.attempts === transfer.attempts) continue;
      const wasActive = before !== undefined && isActive(before);
      if (isActive(transfer)) {
        if (!wasActive) log.info('transfer.started', transferFields(transfer));
        else if (transfer.attempts > before.attempts) {
          log.warn('transfer.retrying', transferFields(transfer));
        }
      } else if (isFinished(transfer) && before?.state !== transfer.state) {
        const fields = {
          ...transferFields(transfer),
          state: transfer.state,
          bytes: transfer.bytesDone,
          verified: transfer.verification?.ok,
          ...(transfer.error === undefined ? {} : errorFields(transfer.error)),
        };
        if (transfer.state === 'failed') log.error('transfer.ended', fields);
        else log.info('transfer.ended', fields);
      } else if (transfer.state === 'paused' && wasActive) {
        log.info('transfer.paused', transferFields(transfer));
      }
    }
  });
}
