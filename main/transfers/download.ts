import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { AppError, type ErrorDetails } from '../../common/errors';
import type { Image } from '../../common/image';
import type { Verification } from '../../common/transfer';
import { toAppError } from '../net/errors';
import { checkInsideFolder, moveIntoPlace, type DownloadTarget } from './file-names';
import { fileSystemError, isFileSystemError, isOutOfSpace } from './fs-errors';
import { expectedFromContentMd5, expectedHashOf, type ExpectedHash } from './hashing';
import type { ImageData, ImageDownload } from './image-data';
import { PartFile } from './part-file';
import { withRetries, type RetryPolicy } from './retry';

/**
 * What the queue persists about a download, so that it can resume after a restart: the
 * image, where its bytes go (the folder the user chose, the final and `.part` paths in it).
 */
export interface DownloadPlan extends DownloadTarget {
  imageId: string;
  imageName: string;
  /** The hash the bytes must have, once known. */
  expected: ExpectedHash | null;
  /** The strong ETag the bytes in the `.part` came with: a resume sends it as If-Range. */
  etag?: string;
}

export interface DownloadOptions {
  signal: AbortSignal;
  policy: RetryPolicy;
  /** No byte for this long: the connection is taken as stalled, dropped and resumed. */
  stallTimeoutMs: number;
  onProgress: (bytesDone: number, bytesTotal: number | null) => void;
  onRetry: (error: AppError, delayMs: number) => void;
  onVerifying: () => void;
  /** The plan changed (the expected hash or the ETag became known): persist it. */
  onPlan: (plan: DownloadPlan) => void;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Absent when neither the image nor the response declared any hash (length checked only). */
  verification?: Verification;
}

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

/**
 * Downloads one image into its `.part`, verifying the bytes as they arrive, resuming with
 * `Range` (and `If-Range` when the server gave an ETag) after a drop or a stall, and renames
 * the file into place once it is complete, verified and flushed. Every path it writes must
 * lie directly in the plan's folder. Pausing (aborting `signal`) keeps the `.part`, and so
 * does a full disk (the error says how many bytes are missing); bad data (a hash or length
 * mismatch, more bytes than the image has) removes it; the caller removes it on cancel.
 */
export async function downloadImage(
  data: ImageData,
  plan: DownloadPlan,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const { signal } = options;
  checkInsideFolder(plan.folder, plan.finalPath);
  checkInsideFolder(plan.folder, plan.partPath);
  let part = null as PartFile | null;
  let image = null as Image | null;
  let bytesAtAttemptStart = 0;
  const openPart = async (algorithm: string): Promise<PartFile> => {
    try {
      return await PartFile.open(plan.partPath, algorithm);
    } catch (error) {
      throw fileSystemError(error, plan.finalPath);
    }
  };
  const updatePlan = (changes: Partial<DownloadPlan>) => {
    plan = { ...plan, ...changes };
    options.onPlan(plan);
  };

  const attempt = async (): Promise<DownloadResult> => {
    if (image === null) {
      image = await data.getImage(plan.imageId);
      if (noDataStatuses.has(image.status)) {
        throw explainOpenError(
          new AppError({ kind: 'conflict', details: { reason: 'no-data' } }),
          image,
        );
      }
      // A hash learned from a response's Content-MD5 is kept while the image declares none:
      // If-Range, or at worst the final check, tells when the data changed meanwhile.
      const learned = plan.expected?.source === 'Content-MD5' ? plan.expected : null;
      const expected = expectedHashOf(image) ?? learned;
      if (plan.expected !== null && !sameHash(plan.expected, expected)) {
        // The image is not the one the .part was started from: start again.
        part ??= await openPart(expected?.algorithm ?? 'md5');
        await part.reset(expected?.algorithm ?? 'md5');
      }
      if (!sameHash(plan.expected, expected)) updatePlan({ expected });
    }
    part ??= await openPart(plan.expected?.algorithm ?? 'md5');
    const size = image.size ?? null;
    if (size !== null && part.size > size) await part.reset();
    bytesAtAttemptStart = part.size;
    options.onProgress(part.size, size);

    if (size === null || part.size < size || size === 0) {
      await receive(data, image, part, size, plan, options, updatePlan);
    }
    return finish(image, part, size, plan, options);
  };

  try {
    return await withRetries(
      () =>
        attempt().catch((error: unknown) => {
          throw isFileSystemError(error) ? fileSystemError(error, plan.finalPath) : error;
        }),
      {
        policy: options.policy,
        signal,
        progressed: () => part !== null && part.size > bytesAtAttemptStart,
        onRetry: options.onRetry,
      },
    );
  } catch (error) {
    const appError = toAppError(error);
    if (isOutOfSpace(appError)) {
      const size = image?.size ?? null;
      throw withBytesNeeded(appError, size === null ? null : size - (part?.size ?? 0));
    }
    // Bad bytes leave nothing; a failure before the first byte leaves no empty .part in
    // the user's folder (a retry claims a name again). A pause keeps it.
    if (appError.kind === 'integrity' || (!signal.aborted && (await isEmptyFile(plan.partPath)))) {
      await part?.close().catch(() => undefined);
      part = null;
      // The error says what went wrong; one more (e.g. a read-only folder) would hide it.
      await rm(plan.partPath, { force: true }).catch(() => undefined);
    }
    throw appError;
  } finally {
    await part?.close().catch(() => undefined);
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

/**
 * One request: stream the body into the `.part` from where it ends, never past the size
 * the image (or else the response) announced. A 200 answer starts the bytes over: its
 * ETag and, for an image that declares no hash, its Content-MD5 go into the plan.
 */
async function receive(
  data: ImageData,
  image: Image,
  part: PartFile,
  size: number | null,
  plan: DownloadPlan,
  options: DownloadOptions,
  updatePlan: (changes: Partial<DownloadPlan>) => void,
): Promise<void> {
  const stall = new AbortController();
  const seconds = Math.round(options.stallTimeoutMs / 1000);
  const stallError = new AppError({
    kind: 'timeout',
    message: `The download stalled: no data for ${seconds} s.`,
    details: { reason: 'stalled', seconds },
  });
  const timer = setTimeout(() => stall.abort(stallError), options.stallTimeoutMs);
  const signal = AbortSignal.any([options.signal, stall.signal]);
  try {
    const offset = part.size;
    let response: ImageDownload;
    try {
      response = await data.openDownload(
        image.id,
        offset === 0
          ? { signal }
          : { offset, signal, ...(plan.etag === undefined ? {} : { ifRange: plan.etag }) },
      );
    } catch (error) {
      throw explainOpenError(toAppError(error), image);
    }
    timer.refresh();
    if (offset > 0 && response.status === 200) {
      // The server ignored the Range, or the image changed (If-Range): take the whole body.
      await part.reset();
    } else if (offset > 0) {
      const changed =
        plan.etag !== undefined && response.etag !== null && response.etag !== plan.etag;
      const problem: ErrorDetails | null = changed
        ? { reason: 'data-changed' }
        : response.contentRange?.start !== offset
          ? { reason: 'wrong-range', offset }
          : null;
      if (problem !== null) {
        await response.body.dump(); // discard it (destroy() would emit an unhandled error)
        await part.reset();
        const message = changed
          ? 'The image data changed on the cloud since the download started; starting over.'
          : `The cloud answered a resume request for byte ${offset} with another range; starting over.`;
        throw new AppError({ kind: 'network', message, details: problem });
      }
    }
    if (response.status === 200) noteStart(image, response, plan, updatePlan);
    const total =
      size ??
      response.contentRange?.total ??
      (response.contentLength === null ? null : part.size + response.contentLength);
    // Each batch written re-arms the stall timer (cheaper than watching every socket chunk).
    const written = (bytes: number) => {
      timer.refresh();
      options.onProgress(bytes, total);
    };
    try {
      await pipeline(response.body, part.sink(written, total ?? undefined), { signal });
    } catch (error) {
      await part.trim();
      throw error;
    }
    if (total !== null && part.size < total) {
      throw new AppError({
        kind: 'network',
        message: `The connection ended after ${part.size} of ${total} bytes.`,
        details: { reason: 'connection-ended', receivedBytes: part.size, totalBytes: total },
      });
    }
  } catch (error) {
    if (stall.signal.aborted && !options.signal.aborted) throw stallError;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** What identifies the bytes of a 200 answer, put in the plan when it differs from it. */
function noteStart(
  image: Image,
  response: ImageDownload,
  plan: DownloadPlan,
  updatePlan: (changes: Partial<DownloadPlan>) => void,
): void {
  const changes: Partial<DownloadPlan> = {};
  if (response.etag !== (plan.etag ?? null)) changes.etag = response.etag ?? undefined;
  if (expectedHashOf(image) === null) {
    const learned =
      response.contentMd5 === null ? null : expectedFromContentMd5(response.contentMd5);
    if (!sameHash(learned, plan.expected)) changes.expected = learned;
  }
  if (Object.keys(changes).length > 0) updatePlan(changes);
}

/** Checks the length and the hash, flushes, and moves the `.part` to a free final name. */
async function finish(
  image: Image,
  part: PartFile,
  size: number | null,
  plan: DownloadPlan,
  options: DownloadOptions,
): Promise<DownloadResult> {
  options.onVerifying();
  const name = image.name ?? image.id;
  if (size !== null && part.size !== size) {
    throw new AppError({
      kind: 'integrity',
      message: `The download of “${name}” has ${part.size} bytes but the image has ${size}; the file was not kept.`,
      details: {
        reason: 'size-mismatch',
        transfer: 'download',
        expectedBytes: size,
        actualBytes: part.size,
      },
    });
  }
  let verification: Verification | undefined;
  if (plan.expected !== null) {
    const actual = await part.digest();
    verification = {
      algorithm: plan.expected.algorithm,
      expected: plan.expected.value,
      actual,
      ok: actual === plan.expected.value,
    };
    if (!verification.ok) {
      throw new AppError({
        kind: 'integrity',
        message: `The data of “${name}” does not match its ${plan.expected.algorithm} (${plan.expected.source}): expected ${plan.expected.value}, got ${actual}. The file was not kept.`,
        details: {
          reason: 'hash-mismatch',
          transfer: 'download',
          algorithm: plan.expected.algorithm,
          expected: plan.expected.value,
          actual,
        },
      });
    }
  }
  // A cancel (or the app closing) while the bytes were checked stops here, before the
  // file is in place: a cancelled download never leaves a file under the final name.
  if (options.signal.aborted) throw new AppError({ kind: 'cancelled' });
  try {
    await part.sync();
  } catch (error) {
    throw fileSystemError(error, plan.finalPath);
  }
  const bytes = part.size;
  await part.close();
  try {
    const path = await moveIntoPlace(plan);
    return verification === undefined ? { path, bytes } : { path, bytes, verification };
  } catch (error) {
    // Where the folder has no hard links the file is copied: the copy needs all its bytes.
    const appError = toAppError(error);
    throw isOutOfSpace(appError) ? withBytesNeeded(appError, bytes) : appError;
  }
}
