import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../common/errors';
import { toAppError } from '../net/errors';

export interface RetryPolicy {
  /** Failed attempts in a row (without a byte of progress between them) before giving up. */
  maxRetries: number;
  /** First wait; doubles after each failure in a row, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 6,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
};

/** Dropped connections, stalls, time-outs and 5xx are worth another try; nothing else is. */
export function isRetryable(error: AppError): boolean {
  return error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server';
}

/**
 * Runs `attempt` until it succeeds, retrying retryable failures with exponential backoff.
 * `progressed()` tells whether the failed attempt moved forward: then the count of
 * failures in a row (and the backoff) starts again, so a long download on a flaky line
 * keeps resuming as long as each attempt gets somewhere.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal: AbortSignal;
    progressed: () => boolean;
    onRetry: (error: AppError, delayMs: number) => void;
  },
): Promise<T> {
  let failuresInARow = 0;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (thrown) {
      const error = toAppError(thrown);
      if (options.signal.aborted || !isRetryable(error)) throw error;
      failuresInARow = options.progressed() ? 1 : failuresInARow + 1;
      if (failuresInARow > options.policy.maxRetries) {
        throw new AppError(
          {
            ...error.toJSON(),
            message: `${error.message} Gave up after ${options.policy.maxRetries} retries.`,
            details: {
              reason: 'gave-up',
              retries: options.policy.maxRetries,
              ...(error.details === undefined ? {} : { last: error.details }),
            },
          },
          { cause: error },
        );
      }
      const delayMs = Math.min(
        options.policy.baseDelayMs * 2 ** (failuresInARow - 1),
        options.policy.maxDelayMs,
      );
      options.onRetry(error, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal.aborted) throw new AppError({ kind: 'cancelled' });
    }
  }
}
