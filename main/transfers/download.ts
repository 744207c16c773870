import { rm, stat } from 'node:fs/promises';
import { AppError } from '../../common/errors';
import type { Image } from '../../common/image';
import type { DownloadConnections, OneConnectionReason, Verification } from '../../common/transfer';
import { toAppError } from '../net/errors';
import { checkInsideFolder, moveIntoPlace, type DownloadTarget } from './file-names';
import { fileSystemError, isFileSystemError, isOutOfSpace } from './fs-errors';
import { expectedFromContentMd5, expectedHashOf, type ExpectedHash } from './hashing';
import type { ImageData, ImageDownload } from './image-data';
import { PartFile, PartialWrite } from './part-file';
import { RetryBudget, waitToRetry, withRetries, type RetryPolicy } from './retry';
import {
  compact,
  contiguousBytes,
  bytesDone,
  isSegmentList,
  minSegmentedBytes,
  planSegments,
  SegmentBoard,
  type Segment,
} from './segments';
import type { BandwidthLimit } from './token-bucket';

/**
 * What the queue persists about a download, so that it can resume after a restart: the
 * image, where its bytes go (the folder the user chose, the final and `.part` paths in it),
 * and which of them the `.part` holds.
 */
export interface DownloadPlan extends DownloadTarget {
  imageId: string;
  imageName: string;
  /** The hash the bytes must have, once known. */
  expected: ExpectedHash | null;
  /** The strong ETag the bytes in the `.part` came with: every range request sends it as If-Range. */
  etag?: string;
  /**
   * The image's segments and how much of each is in the `.part` (segments.ts), as of the
   * last flush to the disk or the end of the last run. Absent before the first run, and in
   * plans from before segmented downloads: then the `.part` holds its first bytes.
   */
  segments?: Segment[];
}

export interface DownloadOptions {
  signal: AbortSignal;
  policy: RetryPolicy;
  /** No byte for this long: the connection is taken as stalled, dropped and resumed. */
  stallTimeoutMs: number;
  /** Connections at most (HTTP Range requests at once). */
  connections: number;
  /** A limit all downloads share; none when absent. */
  limit?: BandwidthLimit;
  onProgress: (bytesDone: number, bytesTotal: number | null) => void;
  onRetry: (error: AppError, delayMs: number) => void;
  onVerifying: () => void;
  /** The plan changed (the expected hash, the ETag, the segments' progress): persist it. */
  onPlan: (plan: DownloadPlan) => void;
  /** How many connections the download uses, and why only one where more were allowed. */
  onConnections?: (connections: DownloadConnections) => void;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Absent when neither the image nor the response declared any hash (length checked only). */
  verification?: Verification;
}

const MiB = 1024 * 1024;
/** Bytes a connection collects before writing them with one `writev`. */
const writeBatch = MiB;
/** A connection stops reading while this much of it waits to be written. */
const maxPending = 2 * MiB;
/** What a slow connection collected is written at least this often, so progress shows. */
const writeEveryMs = 250;
/** The end of a segment whose image has no known size, until a response tells it. */
const unknownEnd = Number.MAX_SAFE_INTEGER;

function sameHash(a: ExpectedHash | null, b: ExpectedHash | null): boolean {
  return a?.algorithm === b?.algorithm && a?.value === b?.value;
}

function explainOpenError(error: AppError, image: Image): AppError {
  const name = image.name ?? image.id;
  if (error.details?.reason === 'no-data') {
    return new AppError(
      {
        ...error.toJSON(),
        message: `“${name}” has no data to download (status: ${image.status}). Upload its data first.`,
        details: { reason: 'no-data', imageStatus: image.status },
      },
      { cause: error },
    );
  }
  if (error.kind === 'forbidden' && image.status === 'deactivated') {
    return new AppError(
      {
        ...error.toJSON(),
        message: `“${name}” is deactivated: only a cloud administrator can download it until it is reactivated.`,
        details: { reason: 'deactivated' },
      },
      { cause: error },
    );
  }
  return error;
}

const noDataStatuses = new Set(['queued', 'saving', 'uploading', 'importing', 'killed']);

const dataChanged = () =>
  new AppError({
    kind: 'network',
    message: 'The image data changed on the cloud since the download started; starting over.',
    details: { reason: 'data-changed' },
  });

/** A range request answered with the whole image: the server does not do ranges (reliably). */
class RangesIgnored extends Error {}

/**
 * Downloads one image into its `.part` over several connections at once (HTTP Range
 * requests, each writing its segment at its offset; see segments.ts), verifying the bytes
 * as the file fills from the front, resuming every segment (with `If-Range` when the
 * server gave an ETag) after a drop, a stall or a restart, and renames the file into
 * place once it is complete, verified and flushed. Small images, images without a size or
 * a checksum, and servers that do not answer a range with 206 use one connection. Every
 * path it writes must lie directly in the plan's folder. Pausing (aborting `signal`) keeps
 * the `.part`, and so does a full disk (the error says how many bytes are missing); bad
 * data (a hash or length mismatch, more bytes than asked for) removes it; the caller
 * removes it on cancel.
 */
export function downloadImage(
  data: ImageData,
  plan: DownloadPlan,
  options: DownloadOptions,
): Promise<DownloadResult> {
  return new Download(data, plan, options).run();
}

/** How one run of a download uses its connections. */
interface Mode {
  connections: number;
  oneBecause?: OneConnectionReason;
}

class Download {
  private part: PartFile | null = null;
  private image: Image | null = null;
  private board: SegmentBoard | null = null;
  private readonly budget: RetryBudget;
  private doneBytes = 0;
  private doneAtLastFailure = 0;
  /** Bytes from 0 handed to the hasher. */
  private hashed = 0;
  /** Counts the starts over, so that a flush of an earlier start does not record its segments. */
  private generation = 0;

  constructor(
    private readonly data: ImageData,
    private plan: DownloadPlan,
    private readonly options: DownloadOptions,
  ) {
    this.budget = new RetryBudget(options.policy);
  }

  async run(): Promise<DownloadResult> {
    const { plan, options } = this;
    checkInsideFolder(plan.folder, plan.finalPath);
    checkInsideFolder(plan.folder, plan.partPath);
    try {
      return await this.attempt().catch((error: unknown) => {
        throw this.asAppError(error);
      });
    } catch (error) {
      const appError = toAppError(error);
      if (isOutOfSpace(appError)) {
        const size = this.image?.size ?? null;
        throw withBytesNeeded(appError, size === null ? null : size - this.doneBytes);
      }
      // Bad bytes leave nothing; a failure before the first byte leaves no empty .part in
      // the user's folder (a retry claims a name again). A pause keeps it.
      if (
        appError.kind === 'integrity' ||
        (!options.signal.aborted && (await isEmptyFile(this.plan.partPath)))
      ) {
        await this.part?.close().catch(() => undefined);
        this.part = null;
        this.board = null;
        this.updatePlan({ segments: undefined });
        // The error says what went wrong; one more (e.g. a read-only folder) would hide it.
        await rm(this.plan.partPath, { force: true }).catch(() => undefined);
      }
      throw appError;
    } finally {
      this.persistSegments();
      await this.part?.close().catch(() => undefined);
    }
  }

  private updatePlan(changes: Partial<DownloadPlan>): void {
    this.plan = { ...this.plan, ...changes };
    if (changes.segments === undefined && 'segments' in changes) delete this.plan.segments;
    this.options.onPlan(this.plan);
  }

  private async attempt(): Promise<DownloadResult> {
    const image = await withRetries(() => this.lookUp(), {
      policy: this.options.policy,
      signal: this.options.signal,
      progressed: () => false,
      onRetry: this.options.onRetry,
    });
    const size = image.size ?? null;
    let rangesIgnored = false;
    for (;;) {
      const part = await this.openPart();
      const { segments, mode } = await this.start(part, size, rangesIgnored);
      this.board = new SegmentBoard(segments);
      this.doneBytes = bytesDone(segments);
      this.doneAtLastFailure = this.doneBytes;
      this.hashed = contiguousBytes(segments);
      part.hashUpTo(this.hashed);
      this.persistSegments();
      this.options.onConnections?.({
        count: mode.connections,
        ...(mode.oneBecause === undefined ? {} : { oneBecause: mode.oneBecause }),
      });
      this.options.onProgress(this.doneBytes, size);
      try {
        await this.fetchAll(this.board, mode, size);
        return await this.finish(image, part, size);
      } catch (thrown) {
        if (this.options.signal.aborted) throw thrown;
        let error: AppError;
        if (thrown instanceof RangesIgnored) {
          // Start over on one connection that asks for the whole image.
          rangesIgnored = true;
          error = new AppError({
            kind: 'network',
            message: `The cloud answered a range request with the whole image; starting over on one connection.`,
            details: { reason: 'wrong-range', offset: 0 },
          });
        } else {
          error = toAppError(thrown);
          if (error.details?.reason !== 'data-changed') throw error;
        }
        // Everything the .part has is of the old data, or on the wrong terms: start again.
        await this.startOver(part);
        const delay = this.retryDelay(error);
        this.options.onRetry(error, delay);
        await waitToRetry(delay, this.options.signal);
      }
    }
  }

  /** An error as the download reports it: a file-system one names the file it was for. */
  private asAppError(error: unknown): AppError {
    return isFileSystemError(error)
      ? fileSystemError(error, this.plan.finalPath)
      : toAppError(error);
  }

  /** Records the segments' progress in the plan (for images of a known size). */
  private persistSegments(): void {
    if (this.board !== null && this.image?.size) {
      this.updatePlan({ segments: compact(this.board.segments) });
    }
  }

  /** The image, checked for data; the hash its bytes must have goes into the plan. */
  private async lookUp(): Promise<Image> {
    if (this.image !== null) return this.image;
    const image = await this.data.getImage(this.plan.imageId);
    if (noDataStatuses.has(image.status)) {
      throw explainOpenError(
        new AppError({ kind: 'conflict', details: { reason: 'no-data' } }),
        image,
      );
    }
    // A hash learned from a response's Content-MD5 is kept while the image declares none:
    // If-Range, or at worst the final check, tells when the data changed meanwhile.
    const learned = this.plan.expected?.source === 'Content-MD5' ? this.plan.expected : null;
    const expected = expectedHashOf(image) ?? learned;
    if (this.plan.expected !== null && !sameHash(this.plan.expected, expected)) {
      // The image is not the one the .part was started from: start again.
      await this.startOver(await this.openPart(), expected?.algorithm ?? 'md5');
    }
    if (!sameHash(this.plan.expected, expected)) this.updatePlan({ expected });
    this.image = image;
    return image;
  }

  private async openPart(): Promise<PartFile> {
    try {
      this.part ??= await PartFile.open(this.plan.partPath, this.plan.expected?.algorithm ?? 'md5');
      return this.part;
    } catch (error) {
      throw fileSystemError(error, this.plan.finalPath);
    }
  }

  /** Empties the `.part` and forgets its segments and ETag. */
  private async startOver(part: PartFile, algorithm?: string): Promise<void> {
    this.generation += 1;
    await part.reset(algorithm);
    this.board = null;
    this.hashed = 0;
    this.updatePlan({ segments: undefined, etag: undefined });
  }

  /**
   * The segments this run starts from — the plan's, or the bytes at the start of a `.part`
   * from before segmented downloads — and how many connections fetch them.
   */
  private async start(
    part: PartFile,
    size: number | null,
    rangesIgnored: boolean,
  ): Promise<{ segments: Segment[]; mode: Mode }> {
    let length = await part.length();
    const wanted = Math.max(1, Math.floor(this.options.connections));
    const one = (oneBecause?: OneConnectionReason): Mode =>
      wanted > 1 && oneBecause !== undefined ? { connections: 1, oneBecause } : { connections: 1 };
    if (size === null || size === 0) {
      // The length comes with the response; a .part from an earlier run holds its first bytes.
      const segments = [{ start: 0, end: unknownEnd, done: length }];
      return { segments, mode: one(size === null ? 'no-size' : 'small-image') };
    }
    let segments = this.plan.segments;
    const holds = (list: Segment[]) =>
      list.every((s) => s.done === 0 || s.start + s.done <= length);
    if (
      length > size ||
      (segments !== undefined && !(isSegmentList(segments, size) && holds(segments)))
    ) {
      // Not what this image's download wrote (or the file was cut): start again.
      await this.startOver(part);
      length = 0;
      segments = undefined;
    }
    const mode: Mode = rangesIgnored
      ? one('no-ranges')
      : this.plan.expected === null
        ? one('no-hash')
        : size < minSegmentedBytes
          ? one('small-image')
          : wanted === 1
            ? one()
            : { connections: wanted };
    return {
      segments: segments?.map((s) => ({ ...s })) ?? planSegments(size, mode.connections, length),
      mode,
    };
  }

  /** The wait before the next try after `error`; throws when it is time to give up. */
  private retryDelay(error: AppError): number {
    const progressed = this.doneBytes > this.doneAtLastFailure;
    this.doneAtLastFailure = this.doneBytes;
    return this.budget.delayAfter(error, progressed);
  }

  /**
   * Runs the connections until every segment is in the `.part`, all at once (a server that
   * answers ranges with 200 is found out by the first answer). A connection that fails
   * retries after a wait (the retries are counted for the whole download); one that fails
   * for good stops them all.
   */
  private async fetchAll(board: SegmentBoard, mode: Mode, size: number | null): Promise<void> {
    const stop = new AbortController();
    const signal = AbortSignal.any([this.options.signal, stop.signal]);
    let failure: unknown = null;
    const fail = (error: unknown) => {
      failure ??= error;
      stop.abort(error);
    };
    const connection = async (): Promise<void> => {
      try {
        for (;;) {
          if (signal.aborted) return;
          const segment = board.take(performance.now());
          if (segment === null) return;
          try {
            await this.fetch(board, segment, { signal, mode, size });
          } catch (thrown) {
            if (signal.aborted) return;
            if (thrown instanceof RangesIgnored) return fail(thrown);
            const error = this.asAppError(thrown);
            if (error.details?.reason === 'data-changed') return fail(error);
            const delay = this.retryDelay(error);
            this.options.onRetry(error, delay);
            await waitToRetry(delay, signal).catch(() => undefined);
          } finally {
            board.release(segment);
          }
        }
      } catch (thrown) {
        fail(thrown instanceof RangesIgnored ? thrown : this.asAppError(thrown));
      }
    };

    await Promise.all(Array.from({ length: mode.connections }, connection));
    if (failure !== null) throw failure;
    if (this.options.signal.aborted) throw new AppError({ kind: 'cancelled' });
  }

  /** One request for the rest of `segment`, written into the `.part` as it arrives. */
  private async fetch(
    board: SegmentBoard,
    segment: Segment,
    run: {
      signal: AbortSignal;
      mode: Mode;
      size: number | null;
    },
  ): Promise<void> {
    const image = this.image as Image;
    const from = segment.start + segment.done;
    // The last byte asked for; none (to the end) for the rest of the image.
    const last = segment.end === unknownEnd || segment.end === run.size ? null : segment.end - 1;
    const ranged = from > 0 || last !== null;
    // Where the bytes asked for end: a split may move the segment's end before they do.
    let askedEnd = last === null ? segment.end : last + 1;
    const request = new AbortController();
    const stall = new StallWatch(this.options.stallTimeoutMs, (error) => request.abort(error));
    const signal = AbortSignal.any([run.signal, request.signal]);
    try {
      let response: ImageDownload;
      try {
        response = await this.data.openDownload(image.id, {
          signal,
          ...(ranged
            ? {
                offset: from,
                ...(last === null ? {} : { end: last }),
                ...(this.plan.etag === undefined ? {} : { ifRange: this.plan.etag }),
              }
            : {}),
        });
      } catch (error) {
        throw explainOpenError(toAppError(error), image);
      }
      stall.alive();
      await this.accept(board, segment, response, {
        from,
        last,
        ranged,
        mode: run.mode,
        size: run.size,
      });
      if (askedEnd === unknownEnd) askedEnd = segment.end;
      await this.receive(board, segment, response.body, askedEnd, request, signal, stall);
      if (segment.end === unknownEnd) {
        segment.end = segment.start + segment.done; // no length was announced: it ended here
      } else if (segment.start + segment.done < segment.end) {
        const received = segment.start + segment.done;
        throw new AppError({
          kind: 'network',
          message: `The connection ended after ${received} of ${segment.end} bytes.`,
          details: { reason: 'connection-ended', receivedBytes: received, totalBytes: segment.end },
        });
      }
    } catch (error) {
      throw stall.error ?? error;
    } finally {
      stall.stop();
    }
  }

  /**
   * Checks a response against what was asked, and learns what it tells: the ETag, the
   * length of an image of unknown size, the Content-MD5 of a whole image. A range answered
   * with the whole image means the data changed (with If-Range) or that the server does
   * not do ranges: a download on one connection takes the whole image from it, one on
   * several starts over (dataChanged, RangesIgnored).
   */
  private async accept(
    board: SegmentBoard,
    segment: Segment,
    response: ImageDownload,
    asked: { from: number; last: number | null; ranged: boolean; mode: Mode; size: number | null },
  ): Promise<void> {
    const { from, last, ranged } = asked;
    if (response.status === 200) {
      if (ranged && asked.mode.connections > 1) {
        await response.body.dump(); // discard it (destroy() would emit an unhandled error)
        throw this.plan.etag === undefined ? new RangesIgnored() : dataChanged();
      }
      if (ranged) {
        // What the .part holds goes: the bytes start over from this answer.
        this.generation += 1;
        await (this.part as PartFile).reset();
        this.hashed = 0;
        this.doneBytes = 0;
        Object.assign(segment, { start: 0, end: asked.size ?? unknownEnd, done: 0 });
        board.segments.splice(0, board.segments.length, segment);
        this.options.onProgress(0, asked.size);
      }
      this.noteWholeAnswer(response);
    } else {
      const range = response.contentRange;
      const length = range === null ? null : range.end - range.start + 1;
      if (
        range?.start !== from ||
        (last !== null && range.end !== last) ||
        (response.contentLength !== null && response.contentLength !== length)
      ) {
        await response.body.dump();
        throw new AppError({
          kind: 'network',
          message: `The cloud answered a request for byte ${from} with another range.`,
          details: { reason: 'wrong-range', offset: from },
        });
      }
      if (
        this.plan.etag !== undefined &&
        response.etag !== null &&
        response.etag !== this.plan.etag
      ) {
        await response.body.dump();
        throw dataChanged();
      }
      if (this.plan.etag === undefined && response.etag !== null) {
        this.updatePlan({ etag: response.etag });
      }
    }
    if (segment.end === unknownEnd) {
      const total =
        response.contentRange?.total ??
        (response.contentLength === null ? null : from + response.contentLength);
      if (total !== null) segment.end = total;
    }
  }

  /** What identifies the bytes of a 200 answer, put in the plan when it differs from it. */
  private noteWholeAnswer(response: ImageDownload): void {
    const changes: Partial<DownloadPlan> = {};
    if (response.etag !== (this.plan.etag ?? null)) changes.etag = response.etag ?? undefined;
    if (expectedHashOf(this.image as Image) === null) {
      const learned =
        response.contentMd5 === null ? null : expectedFromContentMd5(response.contentMd5);
      if (!sameHash(learned, this.plan.expected)) changes.expected = learned;
    }
    if (Object.keys(changes).length > 0) this.updatePlan(changes);
  }

  /**
   * Reads a response body into `segment`: collects its chunks and writes them in batches
   * at the segment's end, one write at a time, pausing the body while too much waits and
   * for the bandwidth limit. Stops early, dropping the connection, where a split gave the
   * rest of the segment to another connection. Bytes past `askedEnd` (the segment's end
   * when it was asked for, at most the image's size) fail it with 'too-many-bytes': they
   * are not written.
   */
  private receive(
    board: SegmentBoard,
    segment: Segment,
    body: ImageDownload['body'],
    askedEnd: number,
    request: AbortController,
    signal: AbortSignal,
    stall: StallWatch,
  ): Promise<void> {
    const part = this.part as PartFile;
    const limit = this.options.limit;
    return new Promise<void>((resolve, reject) => {
      const pending: Buffer[] = [];
      let pendingBytes = 0;
      let position = segment.start + segment.done;
      let writing = false;
      /** No more data comes: what is pending is written, then it settles. */
      let ended = false;
      let failure: unknown = null;
      let settled = false;
      let lastWriteAt = performance.now();
      let limitTimer: NodeJS.Timeout | null = null;
      /** Writes what a slow connection collected, if no more comes for a while. */
      let flushTimer: NodeJS.Timeout | null = null;
      const pausedFor = new Set<'write' | 'limit'>();

      const settle = () => {
        if (settled) return;
        settled = true;
        if (limitTimer !== null) clearTimeout(limitTimer);
        if (flushTimer !== null) clearTimeout(flushTimer);
        body.off('data', onData);
        signal.removeEventListener('abort', onAbort);
        if (failure === null) resolve();
        else reject(failure);
      };
      /** Stops reading: with an error, after writing what arrived (bytes received are good). */
      const end = (error?: unknown) => {
        ended = true;
        if (error !== undefined) failure ??= error;
        if (!writing) write();
      };
      const pause = (why: 'write' | 'limit') => {
        pausedFor.add(why);
        body.pause();
      };
      const unpause = (why: 'write' | 'limit') => {
        pausedFor.delete(why);
        if (pausedFor.size === 0 && !ended) body.resume();
      };

      const armFlush = () => {
        flushTimer ??= setTimeout(() => {
          flushTimer = null;
          if (!writing && pendingBytes > 0) write();
        }, writeEveryMs);
      };
      /** Writes what is pending, batch after batch, one write at a time. */
      const write = () => {
        writing = true;
        if (flushTimer !== null) clearTimeout(flushTimer);
        flushTimer = null;
        void (async () => {
          try {
            while (pendingBytes > 0) {
              const chunks = pending.splice(0);
              const bytes = pendingBytes;
              pendingBytes = 0;
              unpause('write');
              await part.write(chunks, segment.start + segment.done);
              this.written(board, segment, bytes);
              lastWriteAt = performance.now();
              stall.alive();
              if (pendingBytes < writeBatch && !ended) break;
            }
          } catch (error) {
            if (error instanceof PartialWrite) this.written(board, segment, error.written);
            failure ??= error instanceof PartialWrite ? error.failure : error;
            ended = true;
            pending.length = 0;
            pendingBytes = 0;
            request.abort();
          } finally {
            writing = false;
          }
          if (ended) settle();
          else if (pendingBytes > 0) armFlush();
        })();
      };

      const onData = (chunk: Buffer) => {
        if (ended) return;
        stall.alive();
        let bytes = chunk;
        if (position + bytes.length > segment.end) {
          if (segment.end >= askedEnd) {
            // Past what was asked for: nothing of this chunk is written.
            end(
              new AppError({
                kind: 'integrity',
                message: `The cloud sent more than the ${askedEnd} bytes it announced; the download was stopped.`,
                details: { reason: 'too-many-bytes', expectedBytes: askedEnd },
              }),
            );
            request.abort();
            return;
          }
          // A split gave the rest to another connection: stop at the new end.
          bytes = bytes.subarray(0, Math.max(0, segment.end - position));
          ended = true;
          request.abort();
        }
        pending.push(bytes);
        pendingBytes += bytes.length;
        position += bytes.length;
        board.received(segment, bytes.length);
        const wait = limit?.take(bytes.length) ?? 0;
        if (wait > 0 && !ended) {
          pause('limit');
          if (limitTimer !== null) clearTimeout(limitTimer);
          limitTimer = setTimeout(() => {
            limitTimer = null;
            stall.alive();
            unpause('limit');
          }, wait);
        }
        if (!writing) {
          if (
            ended ||
            pendingBytes >= writeBatch ||
            performance.now() - lastWriteAt >= writeEveryMs
          ) {
            write();
          } else {
            armFlush();
          }
        } else if (pendingBytes >= maxPending) {
          pause('write');
        }
      };

      // Stopped (paused, stalled, or by another connection's failure): what arrived is written.
      const onAbort = () => {
        if (ended) return;
        end(signal.reason ?? new AppError({ kind: 'cancelled' }));
        body.destroy();
      };
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      body.on('data', onData);
      body.once('end', () => end());
      // After a split the connection is dropped on purpose: that error is not one.
      body.once('error', (error) => end(ended ? undefined : error));
    });
  }

  /** `bytes` more of `segment` are in the `.part`: progress, the hash, the plan. */
  private written(board: SegmentBoard, segment: Segment, bytes: number): void {
    const before = segment.done;
    board.written(segment, bytes);
    this.doneBytes += segment.done - before;
    this.options.onProgress(this.doneBytes, this.image?.size ?? null);
    const part = this.part as PartFile;
    const prefix = contiguousBytes(board.segments);
    if (prefix > this.hashed) {
      this.hashed = prefix;
      part.hashUpTo(prefix);
    }
    const flush = part.flushIfDue();
    if (flush !== null && this.image?.size) {
      // What was written before the flush is on the disk once it resolves: record it then.
      const segments = compact(board.segments);
      const generation = this.generation;
      flush.then(
        () => {
          if (generation === this.generation) this.updatePlan({ segments });
        },
        () => undefined,
      );
    }
  }

  /** Checks the length and the hash, flushes, and moves the `.part` to a free final name. */
  private async finish(image: Image, part: PartFile, size: number | null): Promise<DownloadResult> {
    this.options.onVerifying();
    const name = image.name ?? image.id;
    const bytes = await part.length();
    if (size !== null && bytes !== size) {
      throw new AppError({
        kind: 'integrity',
        message: `The download of “${name}” has ${bytes} bytes but the image has ${size}; the file was not kept.`,
        details: {
          reason: 'size-mismatch',
          transfer: 'download',
          expectedBytes: size,
          actualBytes: bytes,
        },
      });
    }
    part.hashUpTo(bytes);
    let verification: Verification | undefined;
    const { expected } = this.plan;
    if (expected !== null) {
      const actual = await part.digest();
      verification = {
        algorithm: expected.algorithm,
        expected: expected.value,
        actual,
        ok: actual === expected.value,
      };
      if (!verification.ok) {
        throw new AppError({
          kind: 'integrity',
          message: `The data of “${name}” does not match its ${expected.algorithm} (${expected.source}): expected ${expected.value}, got ${actual}. The file was not kept.`,
          details: {
            reason: 'hash-mismatch',
            transfer: 'download',
            algorithm: expected.algorithm,
            expected: expected.value,
            actual,
          },
        });
      }
    }
    // A cancel (or the app closing) while the bytes were checked stops here, before the
    // file is in place: a cancelled download never leaves a file under the final name.
    if (this.options.signal.aborted) throw new AppError({ kind: 'cancelled' });
    try {
      await part.sync();
    } catch (error) {
      throw fileSystemError(error, this.plan.finalPath);
    }
    await part.close();
    this.part = null;
    this.board = null;
    try {
      const path = await moveIntoPlace(this.plan);
      return verification === undefined ? { path, bytes } : { path, bytes, verification };
    } catch (error) {
      // Where the folder has no hard links the file is copied: the copy needs all its bytes.
      const appError = toAppError(error);
      throw isOutOfSpace(appError) ? withBytesNeeded(appError, bytes) : appError;
    }
  }
}

/**
 * Watches one connection for data: no byte for `ms` and it calls `onStall` with a 'timeout'
 * error (also kept in `error`). Noting data is a timestamp, cheap for every chunk.
 */
class StallWatch {
  error: AppError | null = null;
  private last = performance.now();
  private timer: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly onStall: (error: AppError) => void,
  ) {
    this.timer = setTimeout(() => this.check(), ms);
  }

  alive(): void {
    this.last = performance.now();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private check(): void {
    const idle = performance.now() - this.last;
    if (idle < this.ms) {
      this.timer = setTimeout(() => this.check(), this.ms - idle);
      return;
    }
    const seconds = Math.round(this.ms / 1000);
    this.error = new AppError({
      kind: 'timeout',
      message: `The download stalled: no data for ${seconds} s.`,
      details: { reason: 'stalled', seconds },
    });
    this.onStall(this.error);
  }
}

/**
 * A full disk or quota, said as what it means for a download: it stops with its `.part`
 * kept, and `bytesNeeded` more bytes must fit (when known) before it can resume.
 */
function withBytesNeeded(error: AppError, bytesNeeded: number | null): AppError {
  const { details } = error;
  if (details?.reason !== 'disk-full' || details.bytesNeeded !== undefined) return error;
  const needed = bytesNeeded !== null && bytesNeeded > 0 ? bytesNeeded : null;
  const what = details.quota ? 'Your disk quota is used up' : 'The disk is full';
  return new AppError(
    {
      ...error.toJSON(),
      message:
        `${what}: ${needed === null ? 'more space is' : `${needed} more bytes are`} needed for ${details.path}. ` +
        'The download keeps what it has; free some space, then resume it.',
      details: { ...details, ...(needed === null ? {} : { bytesNeeded: needed }) },
    },
    { cause: error },
  );
}

async function isEmptyFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.size === 0,
    () => false,
  );
}
