import { describe, expect, it } from 'vitest';
import { BandwidthLimit, TokenBucket } from '../../../main/transfers/token-bucket';

describe('TokenBucket', () => {
  it('lets the burst through at once, then asks to wait out the debt at the rate', () => {
    const bucket = new TokenBucket(1000, 500, 0); // 1000 bytes/s, 500 bytes of burst
    expect(bucket.take(500, 0)).toBe(0);
    expect(bucket.take(250, 0)).toBe(250); // 250 bytes owed at 1000/s: 250 ms
    expect(bucket.wait(100)).toBe(150);
    expect(bucket.wait(250)).toBe(0);
  });

  it('holds several takers to the rate together', () => {
    const bucket = new TokenBucket(1000, 100, 0);
    bucket.take(100, 0);
    // Two takers each take 100 bytes whenever they may: the second waits for the first's debt too.
    expect(bucket.take(100, 0)).toBe(100);
    expect(bucket.take(100, 0)).toBe(200);
    // Takers that move only when there is nothing to wait for: by any time, the burst plus
    // the rate times the time, plus the one take that ran into debt, and not less than the
    // rate allows (minus one step of the takers' 10 ms clock).
    let admitted = 0;
    for (let now = 200; now <= 10_200; now += 10) {
      if (bucket.wait(now) === 0) {
        bucket.take(100, now);
        admitted += 100;
      }
    }
    expect(admitted).toBeLessThanOrEqual(100 + 1000 * 10 + 100);
    expect(admitted).toBeGreaterThanOrEqual(1000 * 10 - 100);
  });

  it('keeps no more than the burst from idle time, and loses nothing to late timers', () => {
    const bucket = new TokenBucket(1000, 200, 0);
    bucket.take(200, 0);
    expect(bucket.take(200, 10_000)).toBe(0); // idle 10 s: only the 200-byte burst is saved
    expect(bucket.take(1, 10_000)).toBe(1);
    // A taker that comes back late finds the tokens of the time it was away (up to the burst).
    expect(bucket.take(100, 10_101)).toBe(0);
  });

  it('changes rate from now on, keeping what is owed', () => {
    const bucket = new TokenBucket(1000, 100, 0);
    expect(bucket.take(1100, 0)).toBe(1000);
    bucket.setRate(2000, 500); // 500 bytes paid at the old rate; 500 left at the new one
    expect(bucket.wait(500)).toBe(250);
  });

  it('refuses a rate or burst that is not positive', () => {
    expect(() => new TokenBucket(0, 100, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(100, 0, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN, 100, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(100, 100, 0).setRate(-1, 0)).toThrow(RangeError);
  });
});

describe('BandwidthLimit', () => {
  it('asks no wait without a limit, and to wait out the debt with one', () => {
    const limit = new BandwidthLimit();
    expect(limit.take(10 * 1024 * 1024)).toBe(0);
    limit.set(1024 * 1024); // 1 MiB/s, 64 KiB of burst
    expect(limit.take(64 * 1024)).toBe(0);
    expect(limit.take(1024 * 1024)).toBeGreaterThan(900);
    limit.set(null);
    expect(limit.take(1024 * 1024)).toBe(0);
  });
});
