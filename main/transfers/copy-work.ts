import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { unfinishedCopyName, type CopyItem, type CopyRequest } from '../../common/copy';
import type { Image } from '../../common/image';
import type { Transfer } from '../../common/transfer';
import { toAppError } from '../net/errors';
import { copyImage, reserveLocalCopy, type CopyPlan } from './copy';
import type { ImageData } from './image-data';
import type { SavedTransfer } from './queue-file';
import type { WorkOptions } from './transfer-work';
import { settled } from './upload';

/**
 * The work on one copy, for the queue (as transfer-work.ts does for downloads and
 * uploads): its record and plan, naming it after its source image, running the copy
 * engine, and what a copy given up leaves behind.
 */

export type SavedCopy = Extract<SavedTransfer, { transfer: { kind: 'copy' } }>;

export function isCopy(saved: SavedTransfer): saved is SavedCopy {
  return saved.transfer.kind === 'copy';
}

/** A queued copy of one image, not yet named (see `nameCopy`). */
export function newCopy(request: CopyRequest, item: CopyItem): SavedCopy {
  const { protected: protect = false, ...create } = item.create;
  const transfer: Transfer & { kind: 'copy' } = {
    id: randomUUID(),
    kind: 'copy',
    profileId: request.sourceProfileId,
    imageId: item.imageId,
    imageName: create.name ?? item.imageId,
    folder: request.localCopyFolder ?? '',
    path: '',
    state: 'queued',
    bytesDone: 0,
    bytesTotal: null,
    rate: 0,
    etaSeconds: null,
    attempts: 0,
    createdAt: new Date().toISOString(),
    copy: { targetProfileId: request.targetProfileId, targetImageId: '', uploadRestarts: 0 },
  };
  const plan: CopyPlan = {
    sourceImageId: item.imageId,
    create,
    protect,
    targetImageId: null,
    expected: null,
    localCopy: null,
  };
  return { transfer, plan };
}

/**
 * Takes the source image's size, and claims a free name for the local copy in its folder
 * (creating its `.part`), so that an unwritable folder fails here.
 */
export async function nameCopy(saved: SavedCopy, image: Image): Promise<void> {
  const { transfer } = saved;
  transfer.bytesTotal = image.size ?? null;
  if (transfer.folder === '' || saved.plan.localCopy !== null) return;
  const localCopy = await reserveLocalCopy(transfer.folder, image);
  saved.plan = { ...saved.plan, localCopy };
  transfer.path = localCopy.finalPath;
}

/** Runs the copy of `saved`, keeping its plan and record up to date. Throws as the engine does. */
export async function runCopy(
  dataFor: (profileId: string) => Promise<ImageData>,
  saved: SavedCopy,
  options: WorkOptions,
): Promise<void> {
  const { transfer } = saved;
  const copy = transfer.copy ?? { targetProfileId: '', targetImageId: '', uploadRestarts: 0 };
  const [source, target] = await Promise.all([
    dataFor(transfer.profileId),
    dataFor(copy.targetProfileId),
  ]);
  const result = await copyImage(source, target, saved.plan, {
    signal: options.signal,
    policy: options.retryPolicy,
    stallTimeoutMs: options.stallTimeoutMs,
    limits: options.limits,
    onProgress: options.onProgress,
    onVerifying: options.onVerifying,
    onRetry: options.onRetry,
    onUploadRestart: (restart) => {
      copy.uploadRestarts += 1;
      copy.lastRestart = restart;
      options.onRetry();
    },
    onLocalCopyLost: (error) => {
      copy.localCopyLost = error.toJSON();
      transfer.path = '';
      options.onPlan();
    },
    onPlan: (plan) => {
      saved.plan = plan;
      copy.targetImageId = plan.targetImageId ?? '';
      options.onPlan();
    },
  });
  copy.targetImageId = result.image.id;
  transfer.bytesDone = result.bytes;
  transfer.path = result.localCopyPath ?? '';
  if (result.verification) transfer.verification = result.verification;
}

/**
 * What a copy given up leaves behind: its image on the target cloud is deleted — or, when
 * the user asks to keep it, renamed as unfinished and forgotten (a retry makes a new one) —
 * and its local copy's `.part` is deleted.
 */
export async function discardCopyLeftovers(
  saved: SavedCopy,
  dataFor: (profileId: string) => Promise<ImageData>,
  keepTarget = false,
): Promise<void> {
  const { transfer, plan } = saved;
  if (plan.localCopy !== null) await rm(plan.localCopy.partPath, { force: true });
  const targetImageId = plan.targetImageId;
  if (targetImageId !== null && transfer.copy !== undefined) {
    const target = await dataFor(transfer.copy.targetProfileId);
    if (keepTarget) {
      const image = await settled(target, targetImageId);
      const name = unfinishedCopyName(image.name ?? transfer.imageName);
      await target.updateImage(targetImageId, [{ op: 'replace', path: '/name', value: name }]);
      transfer.copy.keptTarget = true;
    } else {
      await target.deleteImage(targetImageId).catch((error: unknown) => {
        if (toAppError(error).kind !== 'not-found') throw error;
      });
    }
  }
  saved.plan = { ...plan, targetImageId: null };
  if (transfer.copy !== undefined) transfer.copy.targetImageId = '';
}
