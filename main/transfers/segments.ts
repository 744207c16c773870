/**
 * How a download's bytes are split between its connections: the image as consecutive
 * segments, each with the bytes of it already in the `.part` (counted from its start). The
 * list is what the queue file records, so that a resume keeps every segment's progress.
 *
 * Connections take the lowest segment nobody works on, so that the `.part` fills from the
 * front and the hash (which can only run over the contiguous prefix) keeps up. When none
 * is left, a connection that is free takes over the second half of what the slowest one
 * still has to fetch, as aria2 and download managers do, so one slow connection does not
 * hold up the end.
 */

export interface Segment {
  start: number;
  /** Exclusive. */
  end: number;
  /** Bytes from `start` that are in the `.part`. */
  done: number;
}

const MiB = 1024 * 1024;
/** Images smaller than this use one connection: more would not pay for their round trips. */
export const minSegmentedBytes = 64 * MiB;
/** The size of the segments a download starts with: about four per connection, within these bounds. */
const minSegmentBytes = 16 * MiB;
const maxSegmentBytes = 256 * MiB;
/** A split leaves each side at least this much to fetch. */
const minSplitBytes = 2 * MiB;

/**
 * The segments of an image of `size` bytes whose first `from` bytes are in the `.part`
 * already: those as one finished segment, the rest in segments sized for `connections`
 * (one segment for one connection).
 */
export function planSegments(size: number, connections: number, from = 0): Segment[] {
  const segments: Segment[] = from > 0 ? [{ start: 0, end: from, done: from }] : [];
  if (connections <= 1)
    return from < size ? [...segments, { start: from, end: size, done: 0 }] : segments;
  const perConnection = Math.ceil((size - from) / (4 * connections));
  const length = Math.min(maxSegmentBytes, Math.max(minSegmentBytes, perConnection));
  for (let start = from; start < size; start += length) {
    segments.push({ start, end: Math.min(size, start + length), done: 0 });
  }
  return segments;
}

/** Whether `value` is a segment list for an image of `size` bytes: in order, no gap, no overlap. */
export function isSegmentList(value: unknown, size: number): value is Segment[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  let next = 0;
  for (const item of value as Partial<Segment>[]) {
    const { start, end, done } = item ?? {};
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !Number.isSafeInteger(done))
      return false;
    const [s, e, d] = [start as number, end as number, done as number];
    if (s !== next || e <= s || d < 0 || d > e - s) return false;
    next = e;
  }
  return next === size;
}

export const isComplete = (segment: Segment) => segment.done === segment.end - segment.start;

/** The bytes from 0 that are all in the `.part`: what the hash can cover. */
export function contiguousBytes(segments: readonly Segment[]): number {
  let bytes = 0;
  for (const segment of segments) {
    bytes = segment.start + segment.done;
    if (!isComplete(segment)) break;
  }
  return bytes;
}

export function bytesDone(segments: readonly Segment[]): number {
  return segments.reduce((sum, segment) => sum + segment.done, 0);
}

/** The list with neighbouring finished segments merged: what the queue file keeps. */
export function compact(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const segment of segments) {
    const last = out.at(-1);
    if (last !== undefined && isComplete(last) && isComplete(segment)) {
      last.end = segment.end;
      last.done = last.end - last.start;
    } else {
      out.push({ ...segment });
    }
  }
  return out;
}

/** A segment being fetched, and how fast. */
interface Work {
  /** Bytes from the segment's start received (written or not): a split starts past them. */
  received: number;
  since: number;
  doneAtStart: number;
}

/**
 * Who fetches which segment. Times are milliseconds from any monotonic clock.
 */
export class SegmentBoard {
  private readonly work = new Map<Segment, Work>();

  constructor(readonly segments: Segment[]) {}

  /**
   * A segment for a free connection: the lowest one nobody fetches, else the second half
   * of the slowest one's rest (its owner stops at the new end), else null: nothing left.
   */
  take(now: number): Segment | null {
    const free = this.segments.find((s) => !isComplete(s) && !this.work.has(s));
    const segment = free ?? this.split(now);
    if (segment !== null)
      this.work.set(segment, { received: segment.done, since: now, doneAtStart: segment.done });
    return segment;
  }

  /** The connection fetching `segment` stopped (finished, failed or gave it up). */
  release(segment: Segment): void {
    this.work.delete(segment);
  }

  /** `bytes` more of `segment` arrived (not yet written): a split leaves them to its owner. */
  received(segment: Segment, bytes: number): void {
    const work = this.work.get(segment);
    if (work !== undefined) work.received += bytes;
  }

  /** Counts `bytes` written at the end of what `segment` holds; never past its (new) end. */
  written(segment: Segment, bytes: number): void {
    segment.done = Math.min(segment.end - segment.start, segment.done + bytes);
  }

  private split(now: number): Segment | null {
    let slowest: { segment: Segment; left: number; secondsLeft: number } | null = null;
    for (const [segment, work] of this.work) {
      const position = Math.max(work.received, segment.done);
      const left = segment.end - segment.start - position;
      if (left < 2 * minSplitBytes) continue;
      const rate = (segment.done - work.doneAtStart) / Math.max(1, now - work.since);
      const secondsLeft = rate > 0 ? left / rate : Number.POSITIVE_INFINITY;
      if (slowest === null || secondsLeft > slowest.secondsLeft) {
        slowest = { segment, left, secondsLeft };
      }
    }
    if (slowest === null) return null;
    const { segment, left } = slowest;
    const middle = segment.end - Math.floor(left / 2);
    const half: Segment = { start: middle, end: segment.end, done: 0 };
    segment.end = middle;
    this.segments.splice(this.segments.indexOf(segment) + 1, 0, half);
    return half;
  }
}
