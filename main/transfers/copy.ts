import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CopyInfo } from '../../common/copy';
import { AppError } from '../../common/errors';
import type { Image, ImageCreate } from '../../common/image';
import type { Verification } from '../../common/transfer';
import { toAppError } from '../net/errors';
import { reserveDownloadTarget, safeFileName, type DownloadTarget } from './file-names';
import { expectedHashOf, MultiHash, type ExpectedHash } from './hashing';
import type { ImageData } from './image-data';
import { LocalCopy } from './local-copy';
import { isRetryable, withRetries, type RetryPolicy } from './retry';
import type { TransferLimits } from './token-bucket';
import { settled } from './upload';

/** What the queue persists about a copy, so that it can start again after a restart. */
export interface CopyPlan {
  sourceImageId: string;
  /** The fields the target image is created with (never `protected`: see `protect`). */
  create: ImageCreate;
  /** Set `protected` on the target once the copy is verified (a protected image cannot be deleted if it is not). */
  protect: boolean;
  /** The image on the target cloud, once created: a restarted upload fills the same one. */
  targetImageId: string | null;
  /** The source's hash, once read: the bytes must have it. */
  expected: ExpectedHash | null;
  /** The strong ETag the source's bytes came with: a resume sends it as If-Range. */
  etag?: string;
  /** Where the local copy goes, when the user asked for one. */
  localCopy: DownloadTarget | null;
}

export interface CopyOptions {
  signal: AbortSignal;
  policy: RetryPolicy;
  /** No byte moving for this long: the stalled side is dropped (the source resumes, the upload restarts). */
  stallTimeoutMs: number;
  /**
   * The bandwidth limits every download, and every upload, shares: each byte of a copy is
   * both (it comes down from the source and goes up to the target), so it waits for both.
   */
  limits?: TransferLimits;
  onProgress: (bytesDone: number, bytesTotal: number | null) => void;
  /** The source connection dropped or stalled; it resumes with Range after `delayMs`. */
  onRetry: (error: AppError, delayMs: number) => void;
  /** The upload failed and starts over into the same image, with its bytes from `from`. */
  onUploadRestart: (restart: NonNullable<CopyInfo['lastRestart']>) => void;
  /** The local copy was given up (`error` says why); the copy to the cloud goes on. */
  onLocalCopyLost: (error: AppError) => void;
  onVerifying: () => void;
  /** The plan changed (the target was created, the hash or ETag became known): persist it. */
  onPlan: (plan: CopyPlan) => void;
}

export interface CopyResult {
  /** The verified image on the target cloud. */
  image: Image;
  bytes: number;
  /** Absent only when neither cloud reported a hash the other could be checked against. */
  verification?: Verification;
  /** The local copy, verified and in place. */
  localCopyPath?: string;
}

/** The body buffer between the source's response and the upload. */
const bodyHighWaterMark = 1 << 20;
/** Progress is reported once per this many bytes (and at the end). */
const progressStep = 1 << 20;

/**
 * Copies one image from one cloud to another without a full copy on the local disk: the
 * bytes of the source's `GET …/file` are written into the target's `PUT …/file` as they
 * arrive, with backpressure both ways, so memory stays at a few MB.
 *
 * - A dropped or stalled source connection resumes with `Range` (and `If-Range`) into the
 *   upload that is still open. An upload that fails cannot be continued (Glance takes an
 *   image's data in one request): it starts over into the same target image, and
 *   `onUploadRestart` says why — with its bytes from the local copy, if there is one.
 * - The bytes read are hashed as they pass and checked against the source's hash before
 *   their last chunk leaves: bad data never completes the upload, so the target image is
 *   never `active` with it. The target's own size and hashes are then checked against the
 *   source's. Either mismatch deletes the target image and fails with `copy-mismatch`.
 * - `protected` is set only once the copy is verified.
 */
export async function copyImage(
  source: ImageData,
  target: ImageData,
  plan: CopyPlan,
  options: CopyOptions,
): Promise<CopyResult> {
  const updatePlan = (changes: Partial<CopyPlan>) => {
    plan = { ...plan, ...changes };
    options.onPlan(plan);
  };
  const image = await source.getImage(plan.sourceImageId);
  if (image.status !== 'active' || image.size === null) {
    throw new AppError({
      kind: 'conflict',
      message: `“${image.name ?? image.id}” has no data to copy (status: ${image.status}).`,
      details: { reason: 'no-data', imageStatus: image.status },
    });
  }
  const expected = expectedHashOf(image);
  let local = await openLocalCopy(plan, updatePlan, options);
  if (!sameHash(plan.expected, expected)) {
    // Another source than the one the local copy was started from: start it again.
    if (plan.expected !== null) await local?.reset();
    updatePlan({ expected, etag: undefined });
  }
  const dropLocalCopy = async (error: AppError) => {
    await local?.discard().catch(() => undefined);
    local = null;
    updatePlan({ localCopy: null });
    options.onLocalCopyLost(error);
  };

  try {
    await target.refreshToken(); // a streamed upload cannot be sent again after a 401
    let targetImage = await readyTarget(target, plan, updatePlan);
    const run = new CopyRun(source, target, image, options, {
      plan: () => plan,
      updatePlan,
      local: () => local,
      dropLocalCopy,
    });
    let bestBytes = 0;
    let restartsInARow = 0;
    while (targetImage.status === 'queued') {
      const failed = await run.sendOnce(targetImage.id);
      if (failed === null) {
        targetImage = await target.getImage(targetImage.id);
        break;
      }
      if (options.signal.aborted) throw new AppError({ kind: 'cancelled' });
      if (!isRetryable(failed)) throw failed;
      restartsInARow = run.bytesSent > bestBytes ? 1 : restartsInARow + 1;
      bestBytes = Math.max(bestBytes, run.bytesSent);
      if (restartsInARow > options.policy.maxRetries) throw gaveUp(failed, options.policy);
      const from = local !== null && local.size > 0 ? 'local-copy' : 'source';
      options.onUploadRestart({ error: failed.toJSON(), from });
      await sleep(backoffMs(restartsInARow, options.policy), undefined, {
        signal: options.signal,
      }).catch(() => undefined);
      if (options.signal.aborted) throw new AppError({ kind: 'cancelled' });
      await target.refreshToken();
      // Glance puts the image back to `queued` once it has given up on the failed upload.
      targetImage = await readyTarget(target, plan, updatePlan);
    }

    options.onVerifying();
    const verification = await verifyTarget(target, image, targetImage, run, plan);
    if (plan.protect) {
      targetImage = await target.updateImage(targetImage.id, [
        { op: 'replace', path: '/protected', value: true },
      ]);
    }
    let localCopyPath: string | undefined;
    if (local !== null) {
      try {
        localCopyPath = await local.finish();
      } catch (error) {
        await dropLocalCopy(toAppError(error));
      }
    }
    return {
      image: targetImage,
      bytes: image.size,
      ...(verification === undefined ? {} : { verification }),
      ...(localCopyPath === undefined ? {} : { localCopyPath }),
    };
  } catch (thrown) {
    const error = toAppError(thrown);
    // Bad data is kept nowhere: not on the target (verifyTarget and sendOnce deleted it), not on disk.
    if (error.kind === 'integrity') await local?.discard().catch(() => undefined);
    if (error.details?.reason === 'copy-mismatch' && error.details.targetDeleted) {
      updatePlan({ targetImageId: null });
    }
    throw error;
  } finally {
    await local?.close();
  }
}

function sameHash(a: ExpectedHash | null, b: ExpectedHash | null): boolean {
  return a?.algorithm === b?.algorithm && a?.value === b?.value;
}

function backoffMs(failuresInARow: number, policy: RetryPolicy): number {
  return Math.min(policy.baseDelayMs * 2 ** (failuresInARow - 1), policy.maxDelayMs);
}

function gaveUp(error: AppError, policy: RetryPolicy): AppError {
  return new AppError(
    {
      ...error.toJSON(),
      message: `${error.message} Gave up after ${policy.maxRetries} restarts of the upload.`,
      details: {
        reason: 'gave-up',
        retries: policy.maxRetries,
        ...(error.details === undefined ? {} : { last: error.details }),
      },
    },
    { cause: error },
  );
}

async function openLocalCopy(
  plan: CopyPlan,
  updatePlan: (changes: Partial<CopyPlan>) => void,
  options: CopyOptions,
): Promise<LocalCopy | null> {
  if (plan.localCopy === null) return null;
  try {
    return await LocalCopy.open(plan.localCopy);
  } catch (error) {
    updatePlan({ localCopy: null });
    options.onLocalCopyLost(toAppError(error));
    return null;
  }
}

/**
 * The target image, `queued` and ready for data, or `active` when an earlier upload got all
 * its bytes in (verifyTarget then checks them). It is created when there is none yet, or
 * when the one there was deleted meanwhile or is of no use any more (killed, …).
 */
async function readyTarget(
  target: ImageData,
  plan: CopyPlan,
  updatePlan: (changes: Partial<CopyPlan>) => void,
): Promise<Image> {
  if (plan.targetImageId !== null) {
    let existing: Image | null;
    try {
      existing = await settled(target, plan.targetImageId);
    } catch (error) {
      if (toAppError(error).kind !== 'not-found') throw error;
      existing = null;
    }
    if (existing?.status === 'queued' || existing?.status === 'active') return existing;
    if (existing !== null) await target.deleteImage(existing.id);
  }
  const created = await target.createImage({ ...plan.create, protected: false });
  updatePlan({ targetImageId: created.id });
  return created;
}

/** Whether the copy on the target holds the source's bytes; deletes it when it does not. */
async function verifyTarget(
  target: ImageData,
  source: Image,
  copy: Image,
  run: CopyRun,
  plan: CopyPlan,
): Promise<Verification | undefined> {
  const checks: { algorithm: string | null; expected: string; actual: string }[] = [];
  checks.push({
    algorithm: null,
    expected: String(source.size),
    actual: String(copy.size ?? 'unknown'),
  });
  // The strongest last: it is the one reported.
  const md5 = run.digests.md5 ?? source.checksum?.toLowerCase();
  if (copy.checksum && md5) {
    checks.push({ algorithm: 'md5', expected: md5, actual: copy.checksum.toLowerCase() });
  }
  const algorithm = (copy.os_hash_algo ?? 'sha512').toLowerCase();
  const ours =
    run.digests[algorithm] ??
    (plan.expected?.algorithm === algorithm ? plan.expected.value : undefined);
  if (copy.os_hash_value && ours !== undefined) {
    checks.push({ algorithm, expected: ours, actual: copy.os_hash_value.toLowerCase() });
  }
  const failed = checks.find((check) => check.expected !== check.actual);
  if (failed !== undefined) {
    throw await mismatch(target, copy.id, { side: 'target', ...failed });
  }
  const strongest = checks.findLast((check) => check.algorithm !== null);
  return strongest?.algorithm == null
    ? undefined
    : {
        algorithm: strongest.algorithm,
        expected: strongest.expected,
        actual: strongest.actual,
        ok: true,
      };
}

/** A copy that does not hold the source's bytes: its target image deleted (and whether that worked). */
async function mismatch(
  target: ImageData,
  targetImageId: string,
  found: { side: 'source' | 'target'; algorithm: string | null; expected: string; actual: string },
): Promise<AppError> {
  let targetDeleted = true;
  try {
    await target.deleteImage(targetImageId);
  } catch (error) {
    targetDeleted = toAppError(error).kind === 'not-found';
  }
  const what = found.algorithm === null ? 'size' : found.algorithm;
  const where =
    found.side === 'source' ? 'The data read from the source' : 'The data the target stored';
  return new AppError({
    kind: 'integrity',
    message: `${where} does not match: its ${what} is ${found.actual}, expected ${found.expected}. ${targetDeleted ? 'The image on the target cloud was deleted.' : 'The image on the target cloud could not be deleted.'}`,
    details: { reason: 'copy-mismatch', ...found, targetDeleted },
  });
}

/** What a CopyRun shares with the copy around it. */
interface CopyState {
  plan: () => CopyPlan;
  updatePlan: (changes: Partial<CopyPlan>) => void;
  local: () => LocalCopy | null;
  /** Gives the local copy up (a disk problem), saying why; the copy goes on. */
  dropLocalCopy: (error: AppError) => Promise<void>;
}

/** Which side the bytes are waiting for. */
type Waiting = 'source' | 'target' | 'nothing';

/**
 * One image's bytes on their way, attempt after attempt of the upload: it knows where the
 * bytes come from (the local copy's `.part` first, then the source cloud from where that
 * ends), what the last attempt hashed, and how far it got.
 */
class CopyRun {
  /** Bytes written into the current (or last) upload. */
  bytesSent = 0;
  /** The hashes of every byte of the last complete attempt. */
  digests: Record<string, string> = {};
  private readonly size: number;
  private readonly algorithms: string[];

  constructor(
    private readonly source: ImageData,
    private readonly target: ImageData,
    private readonly image: Image,
    private readonly options: CopyOptions,
    private readonly state: CopyState,
  ) {
    this.size = image.size ?? 0;
    // The source's hash to check the bytes read; md5 too when the source has no checksum,
    // so that the target's checksum can still be checked.
    const algorithms = new Set([state.plan().expected?.algorithm ?? 'sha512']);
    if (!image.checksum) algorithms.add('md5');
    this.algorithms = [...algorithms];
  }

  /**
   * One upload of every byte into `targetImageId`. Resolves null once the target took them
   * all, or with the error of an upload that failed (the caller may start it over); throws
   * when the source side failed for good, the bytes were bad, or the copy was stopped.
   */
  async sendOnce(targetImageId: string): Promise<AppError | null> {
    const attempt = new AbortController();
    const signal = AbortSignal.any([this.options.signal, attempt.signal]);
    const body = new PassThrough({ highWaterMark: bodyHighWaterMark });
    let uploadError: AppError | null = null;
    const upload = this.target
      .uploadData(targetImageId, body, { size: this.size, signal })
      .catch((error: unknown) => {
        uploadError ??= toAppError(error);
        attempt.abort(uploadError);
      });
    const watch = new StallWatch(this.options.stallTimeoutMs, () => {
      // The target stopped taking bytes: that upload is lost, the next one starts over.
      const stalled = stallError(this.options.stallTimeoutMs);
      uploadError ??= stalled;
      attempt.abort(stalled);
    });
    try {
      await this.feed(body, signal, watch);
      watch.waiting = 'nothing';
    } catch (thrown) {
      watch.stop();
      if (uploadError === null && !body.closed) {
        // The source side failed, or the bytes were bad: the upload must not complete.
        body.destroy(new AppError({ kind: 'cancelled' }));
        attempt.abort();
        await upload;
        const error = toAppError(thrown);
        if (error.details?.reason === 'copy-mismatch' && error.details.side === 'source') {
          throw await this.sourceMismatch(targetImageId, error);
        }
        throw this.options.signal.aborted ? new AppError({ kind: 'cancelled' }) : error;
      }
      // Otherwise the upload failed first, and its error says why.
    } finally {
      watch.stop();
    }
    await upload;
    if (this.options.signal.aborted) throw new AppError({ kind: 'cancelled' });
    return uploadError;
  }

  /**
   * Writes every byte into `body` (then ends it): the local copy's first, then the source's
   * from there on, resuming after drops; hashes them, and checks the hash before the last
   * chunk goes.
   */
  private async feed(body: PassThrough, signal: AbortSignal, watch: StallWatch): Promise<void> {
    this.bytesSent = 0;
    this.digests = {};
    const hash = new MultiHash(this.algorithms);
    let reported = 0;
    const push = async (chunk: Buffer) => {
      if (this.bytesSent + chunk.length > this.size) {
        throw new AppError({
          kind: 'integrity',
          message: `The source sent more than the ${this.size} bytes the image has.`,
          details: { reason: 'too-many-bytes', expectedBytes: this.size },
        });
      }
      hash.update(chunk);
      this.bytesSent += chunk.length;
      if (this.bytesSent === this.size) this.checkSource(hash);
      watch.waiting = 'target';
      await write(body, chunk, signal);
      // Waiting for the bandwidth limits is no stall of either side.
      watch.waiting = 'nothing';
      await this.withinLimits(chunk.length, signal);
      watch.progressed();
      if (this.bytesSent - reported >= progressStep || this.bytesSent === this.size) {
        reported = this.bytesSent;
        this.options.onProgress(this.bytesSent, this.size);
      }
    };
    this.options.onProgress(0, this.size);
    const local = this.state.local();
    if (local !== null && local.size > 0) {
      if (local.size > this.size) await local.reset();
      for await (const chunk of local.read(local.size)) await push(chunk);
    }
    if (this.bytesSent < this.size) await this.fromSource(push, signal, watch);
    if (this.size === 0) this.checkSource(hash);
    body.end();
  }

  /** Waits as long as the bandwidth limits say, after `bytes` moved down and up. */
  private async withinLimits(bytes: number, signal: AbortSignal): Promise<void> {
    const { limits } = this.options;
    if (limits === undefined) return;
    const waitMs = Math.max(limits.download.take(bytes), limits.upload.take(bytes));
    if (waitMs > 0) await sleep(waitMs, undefined, { signal }).catch(() => undefined);
  }

  /** The source's bytes from `bytesSent` on, resuming with Range after a drop or a stall. */
  private async fromSource(
    push: (chunk: Buffer) => Promise<void>,
    signal: AbortSignal,
    watch: StallWatch,
  ): Promise<void> {
    let startedAt = 0;
    await withRetries(
      async () => {
        startedAt = this.bytesSent;
        const stall = new AbortController();
        watch.onSourceStall = () => stall.abort(stallError(this.options.stallTimeoutMs));
        try {
          await this.readSource(push, AbortSignal.any([signal, stall.signal]), watch);
        } catch (error) {
          if (stall.signal.aborted && !signal.aborted) throw stall.signal.reason;
          throw error;
        }
      },
      {
        policy: this.options.policy,
        signal,
        progressed: () => this.bytesSent > startedAt,
        onRetry: this.options.onRetry,
      },
    );
  }

  private async readSource(
    push: (chunk: Buffer) => Promise<void>,
    signal: AbortSignal,
    watch: StallWatch,
  ): Promise<void> {
    const offset = this.bytesSent;
    const { etag } = this.state.plan();
    watch.waiting = 'source';
    const response = await this.source.openDownload(
      this.image.id,
      offset === 0
        ? { signal }
        : { offset, signal, ...(etag === undefined ? {} : { ifRange: etag }) },
    );
    watch.progressed();
    // A 200 to a resume: the whole data again (the server ignored Range); the bytes already
    // sent are skipped. An ETag other than the one the bytes came with: other data.
    let skip = 0;
    if (response.status === 200) {
      if (offset > 0 && etag !== undefined && response.etag !== null && response.etag !== etag) {
        await response.body.dump();
        throw new AppError({
          kind: 'integrity',
          message: 'The image data changed on the source cloud while it was copied.',
          details: { reason: 'data-changed' },
        });
      }
      skip = offset;
      if (response.etag !== null && response.etag !== etag) {
        this.state.updatePlan({ etag: response.etag });
      }
    } else if (response.contentRange?.start !== offset) {
      await response.body.dump();
      throw new AppError({
        kind: 'network',
        message: `The source answered a resume request for byte ${offset} with another range.`,
        details: { reason: 'wrong-range', offset },
      });
    }
    for await (const received of response.body as AsyncIterable<Buffer>) {
      watch.progressed();
      let chunk = received;
      if (skip > 0) {
        const dropped = Math.min(skip, chunk.length);
        skip -= dropped;
        chunk = chunk.subarray(dropped);
        if (chunk.length === 0) continue;
      }
      await this.keepLocally(chunk);
      await push(chunk);
      watch.waiting = 'source';
    }
    if (this.bytesSent < this.size) {
      throw new AppError({
        kind: 'network',
        message: `The source connection ended after ${this.bytesSent} of ${this.size} bytes.`,
        details: {
          reason: 'connection-ended',
          receivedBytes: this.bytesSent,
          totalBytes: this.size,
        },
      });
    }
  }

  /** Appends the bytes to the local copy; a disk problem gives the local copy up, not the copy. */
  private async keepLocally(chunk: Buffer): Promise<void> {
    const local = this.state.local();
    if (local === null || local.size !== this.bytesSent) return;
    try {
      await local.append(chunk);
    } catch (error) {
      await this.state.dropLocalCopy(toAppError(error));
    }
  }

  /** Throws a source mismatch when the bytes read do not have the source's hash. */
  private checkSource(hash: MultiHash): void {
    this.digests = hash.digest();
    const { expected } = this.state.plan();
    const actual = expected === null ? undefined : this.digests[expected.algorithm];
    if (expected === null || actual === expected.value) return;
    throw new AppError({
      kind: 'integrity',
      details: {
        reason: 'copy-mismatch',
        side: 'source',
        algorithm: expected.algorithm,
        expected: expected.value,
        actual: actual ?? '',
        targetDeleted: false,
      },
    });
  }

  /** The source mismatch once the unfinished target image is deleted (it never got all its bytes). */
  private async sourceMismatch(targetImageId: string, error: AppError): Promise<AppError> {
    const { details } = error;
    if (details?.reason !== 'copy-mismatch') return error;
    // Glance puts the image back to `queued` after the broken upload; then it can go.
    await settled(this.target, targetImageId).catch(() => undefined);
    const { side, algorithm, expected, actual } = details;
    return mismatch(this.target, targetImageId, { side, algorithm, expected, actual });
  }
}

function stallError(stallTimeoutMs: number): AppError {
  const seconds = Math.round(stallTimeoutMs / 1000);
  return new AppError({
    kind: 'timeout',
    message: `The copy stalled: no data for ${seconds} s.`,
    details: { reason: 'stalled', seconds },
  });
}

/**
 * Writes `chunk` into the upload's body, waiting while the body is full (backpressure from
 * the target), until the body drains, closes (the upload ended) or `signal` aborts.
 */
async function write(body: PassThrough, chunk: Buffer, signal: AbortSignal): Promise<void> {
  if (body.closed || body.destroyed) throw new AppError({ kind: 'cancelled' });
  if (body.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: AppError) => {
      body.off('drain', drained);
      body.off('close', closed);
      signal.removeEventListener('abort', closed);
      if (error === undefined) resolve();
      else reject(error);
    };
    const drained = () => done();
    const closed = () => done(new AppError({ kind: 'cancelled' }));
    body.on('drain', drained);
    body.on('close', closed);
    if (signal.aborted) closed();
    else signal.addEventListener('abort', closed);
  });
}

/**
 * Notices when no byte has moved for `timeoutMs`, and blames the side the bytes were
 * waiting for: a stalled source is dropped and resumed, a stalled target restarts the upload.
 */
class StallWatch {
  waiting: Waiting = 'source';
  /** Set by each source request: drops that request. */
  onSourceStall: () => void = () => undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number, onTargetStall: () => void) {
    this.timer = setTimeout(() => {
      if (this.waiting === 'target') onTargetStall();
      else if (this.waiting === 'source') this.onSourceStall();
      this.timer.refresh();
    }, timeoutMs);
  }

  progressed(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** A free local-copy name in `folder` for the source image (its `.part` is created). */
export async function reserveLocalCopy(folder: string, image: Image): Promise<DownloadTarget> {
  return reserveDownloadTarget(folder, safeFileName(image.name, image.disk_format, image.id));
}
