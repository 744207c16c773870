/**
 * Collects keys and hands them on in batches, at most one batch per `intervalMs`: the
 * first as soon as the interval since the last one is over, the keys added meanwhile all
 * in the next, each once however often it was added (a burst of changes to one thing is
 * one entry).
 */
export class ThrottledBatch<K> {
  private readonly pending = new Set<K>();
  private timer: NodeJS.Timeout | null = null;
  private lastAt = -Infinity;
  private disposed = false;

  constructor(
    private readonly deliver: (keys: K[]) => void,
    private readonly intervalMs: number,
  ) {}

  add(key: K): void {
    if (this.disposed) return;
    this.pending.add(key);
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Hands on what is pending now. */
  flush(): void {
    this.clear();
    if (this.pending.size === 0) return;
    const keys = [...this.pending];
    this.pending.clear();
    this.lastAt = Date.now();
    this.deliver(keys);
  }

  /** Drops what is pending; later keys are ignored. */
  dispose(): void {
    this.clear();
    this.pending.clear();
    this.disposed = true;
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
