import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottledBatch } from '../../../main/async/throttled-batch';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function batches(intervalMs: number) {
  const delivered: { at: number; keys: string[] }[] = [];
  const batch = new ThrottledBatch<string>(
    (keys) => delivered.push({ at: Date.now(), keys }),
    intervalMs,
  );
  return { batch, delivered };
}

describe('ThrottledBatch', () => {
  it('hands on the first key at once, then at most one batch per interval', () => {
    const start = Date.now();
    const { batch, delivered } = batches(250);
    batch.add('a');
    vi.advanceTimersByTime(0);
    expect(delivered).toEqual([{ at: start, keys: ['a'] }]);
    batch.add('b');
    batch.add('c');
    batch.add('b');
    vi.advanceTimersByTime(249);
    expect(delivered).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(delivered[1]).toEqual({ at: start + 250, keys: ['b', 'c'] });
  });

  it('waits only for what is left of the interval', () => {
    const start = Date.now();
    const { batch, delivered } = batches(250);
    batch.add('a');
    vi.advanceTimersByTime(400);
    batch.add('b');
    vi.advanceTimersByTime(0);
    expect(delivered.map((d) => d.at - start)).toEqual([0, 400]);
  });

  it('flush hands on what is pending now; dispose drops it and what comes later', () => {
    const { batch, delivered } = batches(250);
    batch.add('a');
    batch.flush();
    expect(delivered.map((d) => d.keys)).toEqual([['a']]);
    batch.flush();
    expect(delivered).toHaveLength(1);
    batch.add('b');
    batch.dispose();
    batch.add('c');
    vi.advanceTimersByTime(1000);
    expect(delivered).toHaveLength(1);
  });
});
