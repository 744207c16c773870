import { describe, expect, it } from 'vitest';
import { Limiter } from '../../../main/async/limiter';

/** A task the test finishes by hand. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('runs at most N tasks at once, the others in the order they came', async () => {
    const limiter = new Limiter(2);
    const gates = [gate<string>(), gate<string>(), gate<string>(), gate<string>()];
    const started: number[] = [];
    const results = gates.map((g, index) =>
      limiter.queue(() => {
        started.push(index);
        return g.promise;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1]?.open('b');
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open('a');
    gates[2]?.open('c');
    gates[3]?.open('d');
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('takes a new limit at once: more start when it grows, fewer follow when it shrinks', async () => {
    const limiter = new Limiter(1);
    const gates = [gate<null>(), gate<null>(), gate<null>(), gate<null>()];
    const started: number[] = [];
    const done = gates.map((g, index) =>
      limiter.queue(() => {
        started.push(index);
        return g.promise;
      }),
    );
    await flush();
    expect(started).toEqual([0]);
    limiter.setMaxConcurrent(3);
    await flush();
    expect(started).toEqual([0, 1, 2]);
    limiter.setMaxConcurrent(1);
    gates[0]?.open(null);
    gates[1]?.open(null);
    await flush();
    expect(started).toEqual([0, 1, 2]); // task 2 still runs: no room for task 3 yet
    gates[2]?.open(null);
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[3]?.open(null);
    await Promise.all(done);
    expect(() => limiter.setMaxConcurrent(0)).toThrow(RangeError);
    expect(limiter.maxConcurrent).toBe(1);
  });

  it('frees the slot of a task that fails, or throws before it returns a promise', async () => {
    const limiter = new Limiter(1);
    const failing = limiter.queue(() => Promise.reject(new Error('broken')));
    const throwing = limiter.queue(() => {
      throw new Error('thrown');
    });
    const next = limiter.queue(async () => 'still runs');
    await expect(failing).rejects.toThrow('broken');
    await expect(throwing).rejects.toThrow('thrown');
    expect(await next).toBe('still runs');
  });

  it('gives each outcome to its own caller when used with allSettled', async () => {
    const limiter = new Limiter(3);
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((n) =>
        limiter.queue(async () => {
          if (n % 2 === 0) throw new Error(`even ${n}`);
          return n;
        }),
      ),
    );
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason)))).toEqual([
      1,
      'Error: even 2',
      3,
      'Error: even 4',
      5,
    ]);
  });

  it('refuses a limit below one', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
    expect(() => new Limiter(1.5)).toThrow(RangeError);
  });
});
