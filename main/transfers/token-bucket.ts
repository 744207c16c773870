/**
 * A token bucket that runs into debt: `take` always admits the bytes and answers how long
 * the taker must wait before it moves more. Takers that wait as told move at most
 * `burstBytes + rate × time` bytes by any time, plus the one take that ran into debt.
 * Shared by several takers, it holds them to the rate together (each waits out the debt it
 * finds), with no queue of waiters; a late timer loses nothing, because tokens are counted
 * from the clock, not from the timers.
 * Times are milliseconds from any monotonic clock (`performance.now()`).
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private bytesPerSecond: number,
    private readonly burstBytes: number,
    now: number,
  ) {
    if (!(bytesPerSecond > 0) || !(burstBytes > 0)) {
      throw new RangeError('A token bucket needs a positive rate and burst.');
    }
    this.tokens = burstBytes;
    this.at = now;
  }

  get rate(): number {
    return this.bytesPerSecond;
  }

  /** Counts `bytes` as moved at `now`; returns the milliseconds to wait before moving more. */
  take(bytes: number, now: number): number {
    this.refill(now);
    this.tokens -= bytes;
    return this.waitMs();
  }

  /** Milliseconds until the debt is paid, without taking anything. */
  wait(now: number): number {
    this.refill(now);
    return this.waitMs();
  }

  /** A new rate from `now` on; what was moved before keeps its debt. */
  setRate(bytesPerSecond: number, now: number): void {
    if (!(bytesPerSecond > 0)) throw new RangeError('A token bucket needs a positive rate.');
    this.refill(now);
    this.bytesPerSecond = bytesPerSecond;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at);
    this.tokens = Math.min(this.burstBytes, this.tokens + (elapsed * this.bytesPerSecond) / 1000);
    this.at = Math.max(this.at, now);
  }

  private waitMs(): number {
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.bytesPerSecond;
  }
}
