/** A rate is measured over at least this long, so that one fast or slow batch does not jump it. */
const sampleMs = 500;
/** Weight of the newest sample in the smoothed rate. */
const newWeight = 0.3;

/**
 * A transfer's speed, smoothed: bytes over the last half second or more, blended with the
 * rate before. Fed the bytes done so far and the time (ms); a count that went back (the
 * transfer started over) starts the measure again and keeps the rate.
 */
export class RateMeter {
  private mark: { at: number; bytes: number } | null = null;
  /** Bytes per second; 0 until the first sample. */
  bytesPerSecond = 0;

  update(bytesDone: number, now: number): number {
    if (this.mark === null || bytesDone < this.mark.bytes) {
      this.mark = { at: now, bytes: bytesDone };
    } else if (now - this.mark.at >= sampleMs) {
      const sample = ((bytesDone - this.mark.bytes) * 1000) / (now - this.mark.at);
      this.bytesPerSecond =
        this.bytesPerSecond === 0
          ? sample
          : (1 - newWeight) * this.bytesPerSecond + newWeight * sample;
      this.mark = { at: now, bytes: bytesDone };
    }
    return this.bytesPerSecond;
  }
}

/** Seconds left at `bytesPerSecond`, rounded up; null while the total or the rate is unknown. */
export function etaSeconds(
  bytesDone: number,
  bytesTotal: number | null,
  bytesPerSecond: number,
): number | null {
  if (bytesTotal === null || bytesPerSecond <= 0) return null;
  return Math.ceil(Math.max(0, bytesTotal - bytesDone) / bytesPerSecond);
}
