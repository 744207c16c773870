import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../common/errors';
import type { Image, ImageCreate } from '../../common/image';
import type { Verification } from '../../common/transfer';
import { toAppError } from '../net/errors';
import { fileSystemError } from './fs-errors';
import { MultiHash } from './hashing';
import type { ImageData } from './image-data';

/** What the queue persists about an upload. */
export interface UploadPlan {
  sourcePath: string;
  /** The image to fill; set once created, so that a retry fills the same image. */
  imageId: string | null;
  /** Fields of the image to create when `imageId` is null. */
  create: ImageCreate | null;
}

export interface UploadOptions {
  signal: AbortSignal;
  onProgress: (bytesDone: number, bytesTotal: number) => void;
  onVerifying: () => void;
  /** The image was created: persist its id. */
  onPlan: (plan: UploadPlan) => void;
}

export interface UploadResult {
  image: Image;
  bytes: number;
  /** Absent only if Glance reported no hash at all. */
  verification?: Verification;
}

/**
 * Uploads a file into a new image (created first) or into an existing `queued` one,
 * streaming it from disk, hashing md5 and sha512 on the way, and comparing them with
 * what Glance reports afterwards. A failed upload says which state the image is left in.
 */
export async function uploadImage(
  data: ImageData,
  plan: UploadPlan,
  options: UploadOptions,
): Promise<UploadResult> {
  let size: number;
  try {
    size = (await stat(plan.sourcePath)).size;
  } catch (error) {
    throw fileSystemError(error, plan.sourcePath);
  }
  await data.refreshToken();

  let image: Image;
  if (plan.imageId === null) {
    image = await data.createImage(plan.create ?? {});
    plan = { ...plan, imageId: image.id };
    options.onPlan(plan);
  } else {
    image = await settled(data, plan.imageId);
  }
  const name = image.name ?? image.id;
  if (image.status !== 'queued') {
    throw new AppError({
      kind: 'conflict',
      message: `“${name}” already has data (status: ${image.status}). Glance accepts data only for an image that is still queued; create a new image instead.`,
      details: { reason: 'data-exists', imageStatus: image.status },
    });
  }

  const hashes = new MultiHash(['md5', 'sha512']);
  let sent = 0;
  const counter = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      hashes.update(chunk);
      sent += chunk.length;
      options.onProgress(sent, size);
      callback(null, chunk);
    },
  });
  const source = createReadStream(plan.sourcePath, { highWaterMark: 1 << 20 });
  source.on('error', (error) => counter.destroy(fileSystemError(error, plan.sourcePath)));
  options.onProgress(0, size);
  try {
    await data.uploadData(image.id, source.pipe(counter), { size, signal: options.signal });
  } catch (thrown) {
    source.destroy();
    const error = toAppError(thrown);
    if (options.signal.aborted || error.kind === 'cancelled') throw error;
    throw await explainFailedUpload(data, image, error);
  }
  options.onProgress(sent, size);
  options.onVerifying();

  const after = await data.getImage(image.id);
  const actual = hashes.digest();
  // Compare every hash Glance reports that we computed; report the strongest.
  const checks: Verification[] = [];
  if (after.checksum) checks.push(check('md5', after.checksum, actual.md5));
  const multihash = (after.os_hash_algo ?? 'sha512').toLowerCase();
  if (after.os_hash_value && actual[multihash] !== undefined) {
    checks.push(check(multihash, after.os_hash_value, actual[multihash]));
  }
  const failed = checks.findLast((c) => !c.ok);
  if (after.size !== sent || sent !== size || failed !== undefined) {
    const what =
      failed === undefined
        ? `size is ${after.size ?? 'unknown'} bytes, the file's is ${sent}`
        : `${failed.algorithm} is ${failed.expected}, the file's is ${failed.actual}`;
    throw new AppError({
      kind: 'integrity',
      message: `Glance stored different data for “${name}” than this file: its ${what}. Delete the image and upload again.`,
      details: failed
        ? {
            reason: 'hash-mismatch',
            transfer: 'upload',
            algorithm: failed.algorithm,
            expected: failed.expected,
            actual: failed.actual,
          }
        : {
            reason: 'size-mismatch',
            transfer: 'upload',
            expectedBytes: sent,
            actualBytes: after.size ?? null,
          },
    });
  }
  const strongest = checks.at(-1);
  return strongest === undefined
    ? { image: after, bytes: sent }
    : { image: after, bytes: sent, verification: strongest };
}

function check(algorithm: string, expected: string, actual: string | undefined): Verification {
  const ours = actual ?? '';
  return {
    algorithm,
    expected: expected.toLowerCase(),
    actual: ours,
    ok: ours === expected.toLowerCase(),
  };
}

/**
 * The image once Glance has finished with a previous upload: right after a failed one it
 * still says `saving` for a moment before it puts the image back to `queued`.
 */
export async function settled(data: ImageData, id: string): Promise<Image> {
  for (let tries = 1; ; tries++) {
    const image = await data.getImage(id);
    if (image.status !== 'saving' || tries === 20) return image;
    await sleep(250);
  }
}

/** Adds to a failed upload's error the state Glance left the image in. */
async function explainFailedUpload(
  data: ImageData,
  image: Image,
  error: AppError,
): Promise<AppError> {
  const name = image.name ?? image.id;
  if (error.kind === 'filesystem') return error;
  let status: string | undefined;
  try {
    status = (await settled(data, image.id)).status;
  } catch {
    // The cloud is unreachable: the state stays unknown.
  }
  const next =
    status === 'queued'
      ? 'It is back in “queued”: you can retry the upload.'
      : `It is now “${status ?? 'unknown'}”.`;
  return new AppError(
    {
      ...error.toJSON(),
      message: `The upload of “${name}” failed: ${error.message} ${next}`,
      details: {
        reason: 'upload-failed',
        ...(status === undefined ? {} : { imageStatus: status }),
        ...(error.details === undefined ? {} : { cause: error.details }),
      },
    },
    { cause: error },
  );
}
