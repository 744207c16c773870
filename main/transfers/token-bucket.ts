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

/**
 * A limit on bytes per second that every transfer in one direction shares (one token
 * bucket for all downloads, one for all uploads); none while the rate is null. Each
 * transfer reports what it moved and waits as long as `take` says.
 */
export class BandwidthLimit {
  private bucket: TokenBucket | null = null;

  constructor(bytesPerSecond: number | null = null) {
    this.set(bytesPerSecond);
  }

  /** A new rate (null: no limit), from now on. */
  set(bytesPerSecond: number | null): void {
    if (bytesPerSecond === null) {
      this.bucket = null;
    } else if (this.bucket?.rate !== bytesPerSecond) {
      // A twentieth of a second of bytes at once: smooth, yet not held up by timer delays.
      const burst = Math.max(64 * 1024, bytesPerSecond / 20);
      this.bucket = new TokenBucket(bytesPerSecond, burst, performance.now());
    }
  }

  /** Counts `bytes` as moved now; the milliseconds to wait before moving more (0: go on). */
  take(bytes: number): number {
    return this.bucket?.take(bytes, performance.now()) ?? 0;
  }
}

/** The limits the queue's transfers share: one for all downloads, one for all uploads. */
export interface TransferLimits {
  download: BandwidthLimit;
  upload: BandwidthLimit;
}
