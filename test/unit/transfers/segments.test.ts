import { describe, expect, it } from 'vitest';
import {
  bytesDone,
  compact,
  contiguousBytes,
  isSegmentList,
  planSegments,
  SegmentBoard,
  type Segment,
} from '../../../main/transfers/segments';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('planSegments', () => {
  it('cuts an image into about four segments per connection, in order and without gaps', () => {
    const segments = planSegments(GiB, 4);
    expect(segments).toHaveLength(16);
    expect(segments[0]).toEqual({ start: 0, end: 64 * MiB, done: 0 });
    expect(isSegmentList(segments, GiB)).toBe(true);
  });

  it('keeps segments between 16 and 256 MiB, the last one shorter', () => {
    expect(planSegments(100 * MiB, 8).map((s) => s.end - s.start)).toEqual([
      16 * MiB,
      16 * MiB,
      16 * MiB,
      16 * MiB,
      16 * MiB,
      16 * MiB,
      4 * MiB,
    ]);
    expect(planSegments(10 * GiB, 2)[0]?.end).toBe(256 * MiB);
  });

  it('gives one connection one segment', () => {
    expect(planSegments(GiB, 1)).toEqual([{ start: 0, end: GiB, done: 0 }]);
    expect(planSegments(GiB, 1, MiB)).toEqual([
      { start: 0, end: MiB, done: MiB },
      { start: MiB, end: GiB, done: 0 },
    ]);
  });

  it('keeps the bytes a .part already holds as one finished segment', () => {
    const segments = planSegments(GiB, 4, 100 * MiB);
    expect(segments[0]).toEqual({ start: 0, end: 100 * MiB, done: 100 * MiB });
    expect(isSegmentList(segments, GiB)).toBe(true);
    expect(bytesDone(segments)).toBe(100 * MiB);
  });
});

describe('isSegmentList', () => {
  it('accepts only segments that cover the image in order, each with a possible count', () => {
    const ok: Segment[] = [
      { start: 0, end: 10, done: 10 },
      { start: 10, end: 20, done: 3 },
    ];
    expect(isSegmentList(ok, 20)).toBe(true);
    expect(isSegmentList(ok, 21)).toBe(false);
    expect(isSegmentList([{ start: 0, end: 10, done: 11 }], 10)).toBe(false);
    expect(isSegmentList([{ start: 0, end: 10, done: -1 }], 10)).toBe(false);
    expect(isSegmentList([{ start: 0, end: 10, done: 1.5 }], 10)).toBe(false);
    expect(
      isSegmentList(
        [
          { start: 0, end: 10, done: 0 },
          { start: 11, end: 20, done: 0 },
        ],
        20,
      ),
    ).toBe(false);
    expect(isSegmentList([], 0)).toBe(false);
    expect(isSegmentList('segments', 10)).toBe(false);
    expect(isSegmentList([null], 10)).toBe(false);
  });
});

describe('contiguousBytes and compact', () => {
  const segments: Segment[] = [
    { start: 0, end: 10, done: 10 },
    { start: 10, end: 20, done: 10 },
    { start: 20, end: 30, done: 4 },
    { start: 30, end: 40, done: 10 },
    { start: 40, end: 50, done: 10 },
  ];

  it('counts the bytes from 0 with no gap: what the hash can cover', () => {
    expect(contiguousBytes(segments)).toBe(24);
    expect(contiguousBytes([{ start: 0, end: 10, done: 10 }])).toBe(10);
    expect(contiguousBytes([{ start: 0, end: 10, done: 0 }])).toBe(0);
  });

  it('merges neighbouring finished segments and keeps the rest', () => {
    expect(compact(segments)).toEqual([
      { start: 0, end: 20, done: 20 },
      { start: 20, end: 30, done: 4 },
      { start: 30, end: 50, done: 20 },
    ]);
    expect(segments[0]).toEqual({ start: 0, end: 10, done: 10 }); // not changed
  });
});

describe('SegmentBoard', () => {
  it('hands out the lowest free segment first, and each only once', () => {
    const board = new SegmentBoard(planSegments(64 * MiB, 2)); // four of 16 MiB
    const first = board.take(0);
    const second = board.take(0);
    expect([first?.start, second?.start]).toEqual([0, 16 * MiB]);
    board.written(first as Segment, 16 * MiB);
    board.release(first as Segment);
    expect(board.take(0)?.start).toBe(32 * MiB);
  });

  it('gives a free connection the second half of the slowest rest, past what arrived', () => {
    const board = new SegmentBoard([
      { start: 0, end: 40 * MiB, done: 0 },
      { start: 40 * MiB, end: 80 * MiB, done: 0 },
    ]);
    const fast = board.take(0) as Segment;
    const slow = board.take(0) as Segment;
    board.received(fast, 30 * MiB);
    board.written(fast, 30 * MiB);
    board.received(slow, 12 * MiB);
    board.written(slow, 10 * MiB);
    // After 1 s: fast has 10 MiB left at 30 MiB/s, slow 28 MiB (past the 12 received) at 10.
    const half = board.take(1000) as Segment;
    expect(half).toEqual({ start: 66 * MiB, end: 80 * MiB, done: 0 });
    expect(slow.end).toBe(66 * MiB);
    expect(isSegmentList(board.segments, 80 * MiB)).toBe(true);
    // The owner's writes stop at the new end.
    board.written(slow, 100 * MiB);
    expect(slow.done).toBe(26 * MiB);
  });

  it('takes a stalled connection as the slowest, and splits nothing too small', () => {
    const board = new SegmentBoard([
      { start: 0, end: 3 * MiB, done: 0 },
      { start: 3 * MiB, end: 40 * MiB, done: 0 },
    ]);
    const small = board.take(0) as Segment;
    const stalled = board.take(0) as Segment;
    board.written(small, MiB);
    expect(board.take(5000)?.start).toBe(40 * MiB - (37 * MiB) / 2);
    expect(stalled.end).toBe(40 * MiB - (37 * MiB) / 2);
    // 2 MiB left in the small one: below two minimum halves, so no split there.
    const board2 = new SegmentBoard([{ start: 0, end: 3 * MiB, done: MiB }]);
    board2.take(0);
    expect(board2.take(1000)).toBeNull();
  });

  it('has nothing to hand out once every segment is done', () => {
    const board = new SegmentBoard([{ start: 0, end: 10, done: 10 }]);
    expect(board.take(0)).toBeNull();
  });
});
