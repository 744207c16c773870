import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunOnceScheduler } from '../../../main/async/run-once-scheduler';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('RunOnceScheduler', () => {
  it('runs once for many asks within the delay', () => {
    const task = vi.fn();
    const scheduler = new RunOnceScheduler(task, 100);
    scheduler.schedule();
    vi.advanceTimersByTime(50);
    scheduler.schedule();
    scheduler.schedule();
    vi.advanceTimersByTime(49);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('a steady stream of asks does not put the run off', () => {
    const task = vi.fn();
    const scheduler = new RunOnceScheduler(task, 100);
    for (let ms = 0; ms < 350; ms += 10) {
      scheduler.schedule();
      vi.advanceTimersByTime(10);
    }
    expect(task).toHaveBeenCalledTimes(3);
  });

  it('a shorter delay brings a pending run forward; a longer one leaves it', () => {
    const task = vi.fn();
    const scheduler = new RunOnceScheduler(task, 100);
    scheduler.schedule(2000);
    vi.advanceTimersByTime(500);
    scheduler.schedule(); // due at 600 now
    scheduler.schedule(5000);
    vi.advanceTimersByTime(100);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('runs again when asked after a run', () => {
    const task = vi.fn();
    const scheduler = new RunOnceScheduler(task, 100);
    scheduler.schedule();
    vi.advanceTimersByTime(100);
    scheduler.schedule();
    vi.advanceTimersByTime(100);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('after dispose, runs nothing', () => {
    const task = vi.fn();
    const scheduler = new RunOnceScheduler(task, 100);
    scheduler.schedule();
    scheduler.dispose();
    scheduler.schedule();
    vi.advanceTimersByTime(1000);
    expect(task).not.toHaveBeenCalled();
  });
});
