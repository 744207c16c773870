/**
 * The queue's work on an import (main/transfers/import.ts): its new record and plan,
 * running it with the record kept up to date (image, phase, stores, verification), and
 * what becomes of its image when it is given up.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Image } from '../../common/image';
import type { ImportProgress } from '../../common/import';
import type { ImportRequest, Transfer } from '../../common/transfer';
import type { ImageData } from './image-data';
import { toAppError } from '../net/errors';
import { importImage, type ImportPlan } from './import';
import type { SavedTransfer } from './queue-file';
import type { RetryPolicy } from './retry';
import type { TransferLimits } from './token-bucket';

export type SavedImport = Extract<SavedTransfer, { transfer: { kind: 'import' } }>;

export function isImport(saved: SavedTransfer): saved is SavedImport {
  return saved.transfer.kind === 'import';
}

/**
 * An import that moves no bytes from here: the cloud fetches or copies the data itself
 * (web-download, copy-image, glance-download), or has it staged already.
 */
export function sendsNoBytes(saved: SavedTransfer): boolean {
  return (
    isImport(saved) &&
    (saved.plan.source.method !== 'glance-direct' || saved.plan.phase === 'importing')
  );
}

/** A queued import: into `imageId`, or into a new image from `create`. */
export function newImport(request: ImportRequest): SavedImport {
  const { source } = request;
  const stores = request.allStores ? [] : (request.stores ?? []);
  const transfer: Transfer & { kind: 'import' } = {
    id: randomUUID(),
    kind: 'import',
    profileId: request.profileId,
    imageId: request.imageId ?? '',
    imageName: request.create?.name ?? request.imageId ?? '',
    folder: source.method === 'glance-direct' ? dirname(source.path) : '',
    path:
      source.method === 'glance-direct'
        ? source.path
        : source.method === 'web-download'
          ? source.url
          : '',
    state: 'queued',
    bytesDone: 0,
    bytesTotal: null,
    rate: 0,
    etaSeconds: null,
    attempts: 0,
    createdAt: new Date().toISOString(),
    import: { method: source.method, stores, importing: [], failed: [] },
  };
  const plan: ImportPlan = {
    source,
    imageId: request.imageId ?? null,
    create: request.create ?? null,
    phase: 'sending',
    ...(request.stores === undefined ? {} : { stores: request.stores }),
    ...(request.allStores === undefined ? {} : { allStores: request.allStores }),
    ...(request.allStoresMustSucceed === undefined
      ? {}
      : { allStoresMustSucceed: request.allStoresMustSucceed }),
  };
  return { transfer, plan };
}

export interface ImportWorkOptions {
  signal: AbortSignal;
  retryPolicy: RetryPolicy;
  /** The bandwidth limits all downloads, and all uploads, share (a glance-direct import sends up). */
  limits: TransferLimits;
  onProgress: (bytesDone: number, bytesTotal: number | null) => void;
  /** The cloud took the import: the transfer is 'importing' from now on. */
  onImporting: () => void;
  /** The import's stores changed: report them. */
  onImport: () => void;
  /** The plan changed (a hash or an ETag became known, an image was created): persist it. */
  onPlan: () => void;
}

export async function runImport(
  data: ImageData,
  saved: SavedImport,
  options: ImportWorkOptions,
): Promise<void> {
  const { transfer } = saved;
  const result = await importImage(data, saved.plan, {
    signal: options.signal,
    policy: options.retryPolicy,
    limit: options.limits.upload,
    onProgress: options.onProgress,
    onImporting: options.onImporting,
    onImport: (progress: ImportProgress) => {
      transfer.import = progress;
      options.onImport();
    },
    onImage: (image) => {
      transfer.imageName = image.name ?? image.id;
    },
    onPlan: (plan) => {
      saved.plan = plan;
      transfer.imageId = plan.imageId ?? '';
      options.onPlan();
    },
  });
  transfer.imageId = result.image.id;
  transfer.imageName = result.image.name ?? result.image.id;
  transfer.bytesDone = result.image.size ?? transfer.bytesDone;
  if (result.verification) transfer.verification = result.verification;
}

/**
 * The image once Glance is done with its stage: back to `queued` after a cut stage (Glance
 * notices a moment later), or `uploading` with its size once the whole file is staged.
 */
async function afterStage(data: ImageData, id: string): Promise<Image> {
  for (let tries = 1; ; tries++) {
    const image = await data.getImage(id);
    if (image.status !== 'uploading' || image.size !== null || tries === 20) return image;
    await sleep(250);
  }
}

/**
 * What an import given up before the cloud imported leaves: its image, deleted, or kept.
 * Unless the user says (`keep`), an image the import created is deleted (never one whose ID
 * the user chose: Glance never gives a deleted image's ID out again) and any other kept. A
 * kept image must not stay `uploading` with a file staged: Glance has no call to drop
 * staged data, so the cloud is asked to import it. An active or importing image is left.
 */
export async function discardImportLeftovers(
  saved: SavedImport,
  dataFor: (profileId: string) => Promise<ImageData>,
  keep?: boolean,
): Promise<void> {
  const { plan, transfer } = saved;
  if (plan.imageId === null) return;
  const createdHere = plan.create !== null && plan.create.id === undefined;
  const data = await dataFor(transfer.profileId);
  const image = await afterStage(data, plan.imageId);
  if (image.status === 'active' || image.status === 'importing') return;
  if (keep ?? !createdHere) {
    if (image.status === 'uploading') {
      await data.importImage(image.id, { method: 'glance-direct' }, plan);
    }
    return;
  }
  await data.deleteImage(image.id).catch((error: unknown) => {
    if (toAppError(error).kind !== 'not-found') throw error;
  });
  // A retry creates the image again; one the user had (or named) it finds gone, and says so.
  if (!createdHere) return;
  const rest = { ...plan, imageId: null };
  delete rest.staged;
  saved.plan = rest;
  transfer.imageId = '';
}
