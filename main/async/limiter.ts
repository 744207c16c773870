/**
 * Runs at most `maxConcurrent` tasks at once; the others wait their turn, first come first
 * served (after VS Code's `Limiter` in src/vs/base/common/async.ts).
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly maxConcurrent: number) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(`A limiter runs at least one task at once, not ${maxConcurrent}.`);
    }
  }

  /** Runs `task` once a slot is free; settles as the task does. */
  queue<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        new Promise<T>((run) => run(task())).then(resolve, reject).finally(() => {
          this.running--;
          this.waiting.shift()?.();
        });
      };
      if (this.running < this.maxConcurrent) start();
      else this.waiting.push(start);
    });
  }
}
