/**
 * Runs a task once after a delay, however often it is asked to: asks that come while a run
 * is scheduled join it, and can bring it forward but never put it off, so a steady stream
 * of asks still runs the task (after VS Code's `RunOnceScheduler`, which re-arms instead).
 */
export class RunOnceScheduler {
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Infinity;
  private disposed = false;

  constructor(
    private readonly task: () => void,
    private readonly delayMs: number,
  ) {}

  /** Runs the task within `delayMs` from now, or sooner if it is due sooner already. */
  schedule(delayMs = this.delayMs): void {
    if (this.disposed) return;
    const dueAt = Date.now() + delayMs;
    if (this.timer !== null && this.dueAt <= dueAt) return;
    this.clear();
    this.dueAt = dueAt;
    this.timer = setTimeout(() => {
      this.clear();
      this.task();
    }, delayMs);
  }

  /** Drops what is scheduled; later asks are ignored. */
  dispose(): void {
    this.clear();
    this.disposed = true;
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = Infinity;
  }
}
