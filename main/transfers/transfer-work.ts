import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Image } from '../../common/image';
import { discardCopyLeftovers, isCopy, runCopy } from './copy-work';
import type { DownloadRequest, Transfer, UploadRequest } from '../../common/transfer';
import { downloadImage, type DownloadPlan } from './download';
import { reserveDownloadTarget, safeFileName, type DownloadTarget } from './file-names';
import type { ImageData } from './image-data';
import { discardImportLeftovers, isImport, runImport, type ImportWorkOptions } from './import-work';
import type { SavedTransfer } from './queue-file';
import { settled, uploadImage, type UploadPlan } from './upload';

/**
 * The work on one transfer, for the queue: its new record and plan, naming a download
 * after its image, running the download or upload engine (a copy's work is in
 * copy-work.ts), and deleting what a transfer given up leaves behind. The queue decides
 * when; this does it.
 */

function newTransfer(
  kind: Transfer['kind'],
  profileId: string,
  imageId: string,
  folder: string,
): Transfer {
  return {
    id: randomUUID(),
    kind,
    profileId,
    imageId,
    imageName: imageId,
    folder,
    path: '',
    state: 'queued',
    bytesDone: 0,
    bytesTotal: null,
    rate: 0,
    etaSeconds: null,
    attempts: 0,
    createdAt: new Date().toISOString(),
  };
}

/** A queued download of one image, not yet named (see `nameDownload`). */
export function newDownload(request: DownloadRequest, imageId: string): SavedTransfer {
  const transfer = newTransfer('download', request.profileId, imageId, request.folder);
  return {
    transfer: { ...transfer, kind: 'download' },
    plan: {
      imageId,
      imageName: imageId,
      folder: request.folder,
      finalPath: '',
      partPath: '',
      expected: null,
    },
  };
}

/** A queued upload: into `imageId`, or into a new image from `create`. */
export function newUpload(request: UploadRequest): SavedTransfer {
  const transfer = newTransfer(
    'upload',
    request.profileId,
    request.imageId ?? '',
    dirname(request.sourcePath),
  );
  return {
    transfer: {
      ...transfer,
      kind: 'upload',
      path: request.sourcePath,
      imageName: request.create?.name ?? request.imageId ?? '',
    },
    plan: {
      sourcePath: request.sourcePath,
      imageId: request.imageId ?? null,
      create: request.create ?? null,
      ...(request.store === undefined ? {} : { store: request.store }),
    },
  };
}

/**
 * Names a download after its image and claims a free name in its folder (creating its
 * `.part`), so an unwritable folder fails here and two downloads never share a name; or
 * gives it `target`, claimed already. What the plan knew of an earlier `.part` goes.
 */
export async function nameDownload(
  saved: SavedTransfer,
  image: Image,
  target?: DownloadTarget,
): Promise<void> {
  const { transfer, plan } = saved;
  if (!('partPath' in plan)) return;
  transfer.imageName = image.name ?? image.id;
  transfer.bytesTotal = image.size ?? null;
  const claimed =
    target ??
    (await reserveDownloadTarget(
      transfer.folder,
      safeFileName(image.name, image.disk_format, image.id),
    ));
  const { imageId, expected } = plan;
  saved.plan = { imageId, imageName: transfer.imageName, expected, ...claimed };
  transfer.path = claimed.finalPath;
}

/** What every kind of transfer is run with: an import's options, and more. */
export interface WorkOptions extends ImportWorkOptions {
  /** The data calls of a profile's cloud (a copy has two). */
  dataFor: (profileId: string) => Promise<ImageData>;
  stallTimeoutMs: number;
  /** A download's connections at most. */
  connections: number;
  onVerifying: () => void;
  /** A download lost its connection and tries again (a copy: either side). */
  onRetry: () => void;
  /** The record's `connections` changed. */
  onConnections: () => void;
}

/**
 * Runs the download or upload of `saved`, keeping its plan and record up to date; the
 * record gets the outcome (path, image, bytes, verification). Throws as the engine does.
 */
export async function runTransfer(
  data: ImageData,
  saved: SavedTransfer,
  options: WorkOptions,
): Promise<void> {
  if (isCopy(saved)) return runCopy(options.dataFor, saved, options);
  if (isImport(saved)) return runImport(data, saved, options);
  const { transfer } = saved;
  const common = {
    signal: options.signal,
    onProgress: options.onProgress,
    onVerifying: options.onVerifying,
  };
  if (saved.transfer.kind === 'download') {
    const result = await downloadImage(data, saved.plan as DownloadPlan, {
      ...common,
      policy: options.retryPolicy,
      stallTimeoutMs: options.stallTimeoutMs,
      connections: options.connections,
      limit: options.limits.download,
      onRetry: options.onRetry,
      onConnections: (connections) => {
        transfer.connections = connections;
        options.onConnections();
      },
      onPlan: (plan) => {
        saved.plan = plan;
        options.onPlan();
      },
    });
    transfer.path = result.path;
    transfer.bytesDone = result.bytes;
    if (result.verification) transfer.verification = result.verification;
    return;
  }
  const result = await uploadImage(data, saved.plan as UploadPlan, {
    ...common,
    limit: options.limits.upload,
    onPlan: (plan) => {
      saved.plan = plan;
      transfer.imageId = plan.imageId ?? '';
      options.onPlan();
    },
  });
  transfer.imageId = result.image.id;
  transfer.imageName = result.image.name ?? result.image.id;
  transfer.bytesDone = result.bytes;
  if (result.verification) transfer.verification = result.verification;
}

/**
 * Deletes what a transfer given up leaves behind: a download's `.part`, or the image an
 * upload created, while it is still empty (never an image a finished upload filled, nor
 * one whose id the user chose: Glance never gives a deleted image's id out again), or a
 * copy's image on the target cloud (kept, renamed as unfinished, with `keepTarget`), or an
 * import's image (see discardImportLeftovers; `keepTarget` keeps or deletes it).
 */
export async function discardLeftovers(
  saved: SavedTransfer,
  dataFor: (profileId: string) => Promise<ImageData>,
  keepTarget?: boolean,
): Promise<void> {
  if (isCopy(saved)) return discardCopyLeftovers(saved, dataFor, keepTarget);
  if (isImport(saved)) return discardImportLeftovers(saved, dataFor, keepTarget);
  const { plan } = saved;
  if ('partPath' in plan) {
    if (plan.partPath !== '') await rm(plan.partPath, { force: true });
    return;
  }
  if (plan.create === null || plan.create.id !== undefined || plan.imageId === null) return;
  const data = await dataFor(saved.transfer.profileId);
  if ((await settled(data, plan.imageId)).status !== 'queued') return;
  await data.deleteImage(plan.imageId);
  saved.plan = { ...plan, imageId: null }; // a retry creates the image again
  saved.transfer.imageId = '';
}
