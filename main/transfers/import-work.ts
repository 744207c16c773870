/**
 * The queue's work on an import (main/transfers/import.ts): its new record and plan, and
 * running it with the record kept up to date (image, phase, stores, verification).
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { ImportProgress } from '../../common/import';
import type { ImportRequest, Transfer } from '../../common/transfer';
import type { ImageData } from './image-data';
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
  /** The bandwidth limits all transfers share (a glance-direct import sends up). */
  limits: TransferLimits;
  onProgress: (bytesDone: number, bytesTotal: number | null) => void;
  /** The cloud took the import: the transfer is 'importing' from now on. */
  onImporting: () => void;
  /** The import's stores changed: report them. */
  onImport: () => void;
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
