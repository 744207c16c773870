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
 * The retries left to something that fails now and then: after each retryable failure it
 * says how long to wait, doubling the wait for each failure in a row, or that it is time
 * to give up. A failure after progress counts as the first in a row again, so a long
 * download on a flaky line keeps resuming as long as each try gets somewhere.
 */
export class RetryBudget {
  private failuresInARow = 0;

  constructor(private readonly policy: RetryPolicy) {}

  /**
   * After `error`: the milliseconds to wait before the next try. Throws `error` itself
   * when it is not worth retrying, and a 'gave-up' error when the retries are used up.
   */
  delayAfter(error: AppError, progressed: boolean): number {
    if (!isRetryable(error)) throw error;
    this.failuresInARow = progressed ? 1 : this.failuresInARow + 1;
    const { maxRetries, baseDelayMs, maxDelayMs } = this.policy;
    if (this.failuresInARow > maxRetries) {
      throw new AppError(
        {
          ...error.toJSON(),
          message: `${error.message} Gave up after ${maxRetries} retries.`,
          details: {
            reason: 'gave-up',
            retries: maxRetries,
            ...(error.details === undefined ? {} : { last: error.details }),
          },
        },
        { cause: error },
      );
    }
    return Math.min(baseDelayMs * 2 ** (this.failuresInARow - 1), maxDelayMs);
  }
}

/** Waits `ms`, or less if `signal` aborts: then it throws a 'cancelled' error. */
export async function waitToRetry(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
  if (signal.aborted) throw new AppError({ kind: 'cancelled' });
}

/**
 * Runs `attempt` until it succeeds, retrying retryable failures with exponential backoff
 * (see RetryBudget); `progressed()` tells whether the failed attempt moved forward.
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
  const budget = new RetryBudget(options.policy);
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (thrown) {
      const error = toAppError(thrown);
      if (options.signal.aborted) throw error;
      const delayMs = budget.delayAfter(error, options.progressed());
      options.onRetry(error, delayMs);
      await waitToRetry(delayMs, options.signal);
    }
  }
}
