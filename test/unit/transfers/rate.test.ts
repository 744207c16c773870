import { describe, expect, it } from 'vitest';
import { etaSeconds, RateMeter } from '../../../main/transfers/rate';

describe('RateMeter', () => {
  it('measures over half a second or more, then smooths each new sample in', () => {
    const meter = new RateMeter();
    expect(meter.update(0, 0)).toBe(0);
    expect(meter.update(400_000, 300)).toBe(0); // too soon to tell
    expect(meter.update(1_000_000, 1000)).toBe(1_000_000);
    // 2 MB/s for the next second: 0.7 × 1 MB/s + 0.3 × 2 MB/s
    expect(meter.update(3_000_000, 2000)).toBeCloseTo(1_300_000);
  });

  it('starts the measure again when the count goes back, keeping the rate', () => {
    const meter = new RateMeter();
    meter.update(0, 0);
    meter.update(1_000_000, 1000);
    expect(meter.update(0, 1100)).toBe(1_000_000);
    expect(meter.update(1_000_000, 1600)).toBeCloseTo(0.7 * 1_000_000 + 0.3 * 2_000_000);
  });
});

describe('etaSeconds', () => {
  it('is the bytes left at the rate, rounded up', () => {
    expect(etaSeconds(1000, 4000, 1000)).toBe(3);
    expect(etaSeconds(1000, 4001, 1000)).toBe(4);
    expect(etaSeconds(5000, 4000, 1000)).toBe(0);
  });

  it('is unknown without a total or a rate', () => {
    expect(etaSeconds(1000, null, 1000)).toBeNull();
    expect(etaSeconds(1000, 4000, 0)).toBeNull();
  });
});
