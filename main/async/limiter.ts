/**
 * Runs at most `maxConcurrent` tasks at once; the others wait their turn, first come first
 * served (after VS Code's `Limiter` in src/vs/base/common/async.ts).
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private max: number) {
    checkCount(max);
  }

  get maxConcurrent(): number {
    return this.max;
  }

  /** Runs up to `count` tasks at once from now on; those running go on either way. */
  setMaxConcurrent(count: number): void {
    checkCount(count);
    this.max = count;
    while (this.running < this.max && this.waiting.length > 0) this.waiting.shift()?.();
  }

  /** Runs `task` once a slot is free; settles as the task does. */
  queue<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        new Promise<T>((run) => run(task())).then(resolve, reject).finally(() => {
          this.running--;
          if (this.running < this.max) this.waiting.shift()?.();
        });
      };
      if (this.running < this.max) start();
      else this.waiting.push(start);
    });
  }
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`A limiter runs at least one task at once, not ${count}.`);
  }
}
