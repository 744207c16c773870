import { createHash, getHashes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../common/errors';
import type { Image, ImageCreate } from '../../common/image';
import type { Verification } from '../../common/transfer';
import { toAppError } from '../net/errors';
import { fileSystemError } from './fs-errors';
import { hashFile } from './hashing';
import type { ImageData } from './image-data';
import type { BandwidthLimit } from './token-bucket';

/** What the queue persists about an upload. */
export interface UploadPlan {
  sourcePath: string;
  /** The image to fill; set once created, so that a retry fills the same image. */
  imageId: string | null;
  /** Fields of the image to create when `imageId` is null. */
  create: ImageCreate | null;
  /** Multiple stores: the store to write to; absent: the cloud's default. */
  store?: string;
}

export interface UploadOptions {
  signal: AbortSignal;
  /** A limit all uploads share; none when absent. */
  limit?: BandwidthLimit;
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

/** The bytes sent and their hashes (hex, by algorithm), to compare with what Glance stored. */
export interface SentData {
  bytes: number;
  hashes: Record<string, string>;
}

/** Where `sendFile` puts the data: the image itself (`PUT /file`), or the staging area. */
export type DataTarget = { to: 'file'; store?: string } | { to: 'stage' };

interface SendOptions {
  signal: AbortSignal;
  onProgress: (bytesDone: number, bytesTotal: number) => void;
  limit?: BandwidthLimit;
}

/**
 * The hash computed as the bytes go: Glance's multihash unless a cloud configures another.
 * Only that one: a second (md5) cost as much CPU again, on a machine whose other core is
 * busy receiving the bytes where Glance runs on it (see bench/README.md).
 */
const sendHash = 'sha512';

/** The size of the file to send, or a 'filesystem' error naming it. */
export async function sourceSize(sourcePath: string): Promise<number> {
  try {
    return (await stat(sourcePath)).size;
  } catch (error) {
    throw fileSystemError(error, sourcePath);
  }
}

/**
 * The image a file's data goes into: created first when the plan has none yet (`onCreated`
 * gets its id, to persist), else the plan's image once Glance has settled it. It must be
 * queued: Glance takes data only for an image without any.
 */
export async function imageToFill<P extends { imageId: string | null; create: ImageCreate | null }>(
  data: ImageData,
  plan: P,
  onCreated: (plan: P) => void,
): Promise<{ image: Image; plan: P }> {
  let image: Image;
  if (plan.imageId === null) {
    image = await data.createImage(plan.create ?? {});
    plan = { ...plan, imageId: image.id };
    onCreated(plan);
  } else {
    image = await settled(data, plan.imageId);
  }
  if (image.status !== 'queued') {
    throw new AppError({
      kind: 'conflict',
      message: `“${image.name ?? image.id}” already has data (status: ${image.status}). Glance accepts data only for an image that is still queued; create a new image instead.`,
      details: { reason: 'data-exists', imageStatus: image.status },
    });
  }
  return { image, plan };
}

/**
 * Streams the file into the image's data or its staging area, hashing it (sha512) on the
 * way, at most as fast as `limit` allows. A failed send says which state the image is
 * left in.
 */
export async function sendFile(
  data: ImageData,
  image: Image,
  sourcePath: string,
  size: number,
  target: DataTarget,
  options: SendOptions,
): Promise<SentData> {
  const hash = createHash(sendHash);
  let sent = 0;
  const counter = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      sent += chunk.length;
      options.onProgress(sent, size);
      const wait = options.limit?.take(chunk.length) ?? 0;
      if (wait > 0) setTimeout(() => callback(null, chunk), wait);
      else callback(null, chunk);
    },
  });
  const source = createReadStream(sourcePath, { highWaterMark: 1 << 20 });
  source.on('error', (error) => counter.destroy(fileSystemError(error, sourcePath)));
  options.onProgress(0, size);
  const body = source.pipe(counter);
  try {
    if (target.to === 'stage')
      await data.stageData(image.id, body, { size, signal: options.signal });
    else {
      await data.uploadData(image.id, body, {
        size,
        signal: options.signal,
        ...(target.store === undefined ? {} : { store: target.store }),
      });
    }
  } catch (thrown) {
    source.destroy();
    const error = toAppError(thrown);
    if (options.signal.aborted || error.kind === 'cancelled') throw error;
    throw await explainFailedUpload(data, image, error);
  }
  options.onProgress(sent, size);
  return { bytes: sent, hashes: { [sendHash]: hash.digest('hex') } };
}

/**
 * Compares what Glance stored (`after`) with what was sent from the file at `sourcePath`,
 * of `size` bytes: every hash Glance reports that was computed here, and the size. Where
 * Glance's multihash is not the one computed as the bytes went, it (or else the md5
 * checksum) is computed from the file now. Returns the strongest check (none if Glance
 * reported no hash); a difference is an 'integrity' error.
 */
export async function verifyStored(
  after: Image,
  sent: SentData,
  size: number,
  sourcePath: string,
): Promise<Verification | undefined> {
  const name = after.name ?? after.id;
  const multihash = (after.os_hash_algo ?? 'sha512').toLowerCase();
  const wanted =
    after.os_hash_value && getHashes().includes(multihash)
      ? multihash
      : after.checksum
        ? 'md5'
        : null;
  const hashes =
    wanted === null || sent.hashes[wanted] !== undefined
      ? sent.hashes
      : { ...sent.hashes, ...(await hashFile(sourcePath, [wanted])) };
  const checks: Verification[] = [];
  if (after.checksum && hashes.md5 !== undefined) {
    checks.push(check('md5', after.checksum, hashes.md5));
  }
  if (after.os_hash_value && hashes[multihash] !== undefined) {
    checks.push(check(multihash, after.os_hash_value, hashes[multihash]));
  }
  const failed = checks.findLast((c) => !c.ok);
  if (after.size !== sent.bytes || sent.bytes !== size || failed !== undefined) {
    const what =
      failed === undefined
        ? `size is ${after.size ?? 'unknown'} bytes, the file's is ${sent.bytes}`
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
            expectedBytes: sent.bytes,
            actualBytes: after.size ?? null,
          },
    });
  }
  return checks.at(-1);
}

/**
 * Uploads a file into a new image (created first) or into an existing `queued` one,
 * streaming it from disk, hashing it on the way, and comparing with what Glance reports
 * afterwards. A failed upload says which state the image is left in.
 */
export async function uploadImage(
  data: ImageData,
  plan: UploadPlan,
  options: UploadOptions,
): Promise<UploadResult> {
  const size = await sourceSize(plan.sourcePath);
  await data.refreshToken();
  const { image } = await imageToFill(data, plan, options.onPlan);
  const target: DataTarget =
    plan.store === undefined ? { to: 'file' } : { to: 'file', store: plan.store };
  const sent = await sendFile(data, image, plan.sourcePath, size, target, options);
  options.onVerifying();
  const after = await data.getImage(image.id);
  const verification = await verifyStored(after, sent, size, plan.sourcePath);
  return verification === undefined
    ? { image: after, bytes: sent.bytes }
    : { image: after, bytes: sent.bytes, verification };
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
 * still says `saving` (`uploading` after a failed stage) for a moment before it puts the
 * image back to `queued`.
 */
export async function settled(data: ImageData, id: string): Promise<Image> {
  for (let tries = 1; ; tries++) {
    const image = await data.getImage(id);
    if ((image.status !== 'saving' && image.status !== 'uploading') || tries === 20) return image;
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
