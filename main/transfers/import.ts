/**
 * Interoperable import as a transfer with two phases. Sending (glance-direct only): the
 * file is staged (`PUT /stage`) with the same streaming and hashing as an upload. Importing:
 * `POST /import` asks the cloud to write the data into its stores, and the engine follows
 * the image (`os_glance_importing_to_stores`, `os_glance_failed_import`) and the import's
 * task until it is done or failed. The plan records the phase and the import's task, so
 * that after a restart the engine goes on following the same import.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../common/errors';
import type { Image, ImageCreate } from '../../common/image';
import {
  imageStores,
  storeList,
  type ImportMethod,
  type ImportProgress,
  type ImportSource,
  type StoreChoice,
} from '../../common/import';
import type { Verification } from '../../common/transfer';
import type { ImageTask, ImportCall } from '../openstack/glance';
import { toAppError } from '../net/errors';
import type { ImageData } from './image-data';
import { isRetryable, type RetryPolicy } from './retry';
import type { BandwidthLimit } from './token-bucket';
import { imageToFill, sendFile, sourceSize, verifyStored, type SentData } from './upload';

/** What the queue persists about an import. */
export interface ImportPlan extends StoreChoice {
  source: ImportSource;
  /** The image to import into; set once created, so that a retry uses the same image. */
  imageId: string | null;
  /** Fields of the image to create when `imageId` is null. */
  create: ImageCreate | null;
  phase: 'sending' | 'importing';
  /** glance-direct: what was staged, kept to verify what the cloud stored once imported. */
  staged?: SentData & { fileSize: number };
  /**
   * The image's task ids before `POST /import`: the import's task is the new one. Null
   * where the cloud does not list an image's tasks.
   */
  tasksBefore?: string[] | null;
}

export interface ImportOptions {
  signal: AbortSignal;
  policy: RetryPolicy;
  /** A limit all uploads share, for a file staged; none when absent. */
  limit?: BandwidthLimit;
  onProgress: (bytesDone: number, bytesTotal: number | null) => void;
  /** The cloud took the import: the importing phase begins. */
  onImporting: () => void;
  onImport: (progress: ImportProgress) => void;
  /** The image as last read (its name, for the record). */
  onImage: (image: Image) => void;
  onPlan: (plan: ImportPlan) => void;
  /** How long to wait between two looks at the image (default: 1 s, growing to 5 s). */
  followDelayMs?: (look: number) => number;
}

export interface ImportResult {
  image: Image;
  verification?: Verification;
}

const defaultFollowDelay = (look: number) => Math.min(1000 + look * 500, 5000);

/** Glance's task message while it writes the data: "Copied 512 MiB". */
const copiedMiB = (task: ImageTask | undefined): number | null => {
  const copied = /Copied (\d+) MiB/.exec(task?.message ?? '')?.[1];
  return copied === undefined ? null : Number(copied) * 1024 ** 2;
};

function importCall(source: ImportSource): ImportCall {
  switch (source.method) {
    case 'glance-direct':
      return { method: 'glance-direct' };
    case 'web-download':
      return { method: 'web-download', uri: source.url };
    case 'copy-image':
      return { method: 'copy-image' };
    case 'glance-download':
      return { method: 'glance-download', region: source.region, imageId: source.imageId };
  }
}

/** The stores the import writes to, as far as the plan names them (empty: the default). */
function plannedStores(plan: ImportPlan): string[] {
  return plan.allStores ? [] : (plan.stores ?? []);
}

function progressOf(image: Image, plan: ImportPlan): ImportProgress {
  const ours = plannedStores(plan);
  const mine = (stores: string[]) =>
    ours.length === 0 ? stores : stores.filter((store) => ours.includes(store));
  return {
    method: plan.source.method,
    stores: ours,
    importing: storeList(image.properties.os_glance_importing_to_stores),
    failed: mine(storeList(image.properties.os_glance_failed_import)),
  };
}

/**
 * Runs the import of `plan` from the phase it is in, and returns the image once the cloud
 * has its data (with the verification of a staged file). Throws a typed AppError: the
 * cloud's refusal, a failed send, or 'import-failed' with the task's message.
 */
export async function importImage(
  data: ImageData,
  plan: ImportPlan,
  options: ImportOptions,
): Promise<ImportResult> {
  const update = (next: ImportPlan) => {
    plan = next;
    options.onPlan(plan);
  };
  if (plan.phase === 'sending') await send(data, plan, options, update);
  else options.onImporting();
  try {
    const image = await follow(data, plan, options);
    const { staged, source } = plan;
    if (staged === undefined || source.method !== 'glance-direct') return { image };
    const verification = await verifyStored(image, staged, staged.fileSize, source.path);
    return verification === undefined ? { image } : { image, verification };
  } catch (error) {
    // A retry starts over: the cloud has dropped what it had staged.
    if (toAppError(error).details?.reason === 'import-failed') {
      const rest = { ...plan, phase: 'sending' as const };
      delete rest.staged;
      delete rest.tasksBefore;
      update(rest);
    }
    throw error;
  }
}

/** The sending phase: create the image, stage the file (glance-direct), ask for the import. */
async function send(
  data: ImageData,
  plan: ImportPlan,
  options: ImportOptions,
  update: (plan: ImportPlan) => void,
): Promise<void> {
  const { source } = plan;
  let image: Image;
  if (source.method === 'copy-image') {
    image = await data.getImage(plan.imageId ?? '');
  } else if (source.method === 'glance-direct') {
    const fileSize = await sourceSize(source.path);
    await data.refreshToken();
    let existing = plan.imageId === null ? null : await data.getImage(plan.imageId);
    // Staged before a restart, not yet imported: import what is staged.
    if (existing?.status !== 'uploading' || plan.staged === undefined) {
      if (existing?.status === 'importing' || existing?.status === 'active') {
        // The import was asked for just before a restart: follow it.
        update({ ...plan, phase: 'importing', tasksBefore: plan.tasksBefore ?? null });
        options.onImporting();
        return;
      }
      const filled = await imageToFill(data, plan, update);
      plan = filled.plan;
      existing = filled.image;
      const sent = await sendFile(
        data,
        filled.image,
        source.path,
        fileSize,
        { to: 'stage' },
        {
          signal: options.signal,
          onProgress: options.onProgress,
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        },
      );
      update((plan = { ...plan, staged: { ...sent, fileSize } }));
    }
    image = existing;
  } else {
    image = (await imageToFill(data, plan, update)).image;
  }
  options.onImage(image);
  const tasksBefore = await data.listImageTasks(image.id).then(
    (tasks) => tasks.map((task) => task.id),
    () => null,
  );
  // Cancelled once the file was staged: the cancel decides what becomes of the image.
  if (options.signal.aborted) throw new AppError({ kind: 'cancelled' });
  await data.importImage(image.id, importCall(source), plan);
  update({ ...plan, imageId: image.id, phase: 'importing', tasksBefore });
  options.onImporting();
}

/** Follows the import until the cloud reports it done (the image) or failed (an AppError). */
async function follow(data: ImageData, plan: ImportPlan, options: ImportOptions): Promise<Image> {
  const imageId = plan.imageId ?? '';
  const delay = options.followDelayMs ?? defaultFollowDelay;
  let failuresInARow = 0;
  for (let look = 0; ; look++) {
    if (look > 0) await sleep(delay(look), undefined, { signal: options.signal }).catch(() => {});
    if (options.signal.aborted) throw new AppError({ kind: 'cancelled' });
    let image: Image;
    let task: ImageTask | undefined;
    try {
      image = await data.getImage(imageId);
      task = await importTask(data, imageId, plan);
      failuresInARow = 0;
    } catch (thrown) {
      const error = toAppError(thrown);
      if (options.signal.aborted || !isRetryable(error)) throw error;
      if (++failuresInARow > options.policy.maxRetries) throw error;
      continue;
    }
    options.onImage(image);
    const progress = progressOf(image, plan);
    options.onImport(progress);
    const copied = copiedMiB(task);
    if (copied !== null) options.onProgress(Math.min(copied, image.size ?? copied), image.size);
    const outcome = outcomeOf(image, task, plan, progress);
    if (outcome === 'done') {
      options.onProgress(image.size ?? 0, image.size);
      return image;
    }
    if (outcome === 'failed') throw importFailed(image, task, plan, progress);
  }
}

/** The import's task: the image's newest task that was not there before the import. */
async function importTask(
  data: ImageData,
  imageId: string,
  plan: ImportPlan,
): Promise<ImageTask | undefined> {
  const before = plan.tasksBefore;
  if (before === null || before === undefined) return undefined;
  const tasks = await data.listImageTasks(imageId);
  return tasks.findLast((task) => !before.includes(task.id));
}

/**
 * Where the import stands. The import's task says it best; where the cloud does not list
 * tasks, the image does: its status, and the stores still importing or failed.
 */
function outcomeOf(
  image: Image,
  task: ImageTask | undefined,
  plan: ImportPlan,
  progress: ImportProgress,
): 'done' | 'failed' | 'running' {
  const copying = plan.source.method === 'copy-image';
  if (task !== undefined) {
    if (task.status === 'failure') return 'failed';
    if (task.status !== 'success') return 'running';
    if (copying || image.status === 'active') return 'done';
    return image.status === 'queued' || image.status === 'killed' ? 'failed' : 'running';
  }
  if (progress.importing.length > 0) return 'running';
  if (copying) {
    const stores = imageStores(image);
    if (progress.stores.every((store) => stores.includes(store))) return 'done';
    return progress.failed.length > 0 ? 'failed' : 'running';
  }
  if (image.status === 'active') return 'done';
  const stopped = image.status === 'queued' || image.status === 'killed';
  return stopped && progress.failed.length > 0 ? 'failed' : 'running';
}

function importFailed(
  image: Image,
  task: ImageTask | undefined,
  plan: ImportPlan,
  progress: ImportProgress,
): AppError {
  const method: ImportMethod = plan.source.method;
  const taskMessage = task?.message ?? undefined;
  return new AppError({
    kind: 'server',
    message: `The cloud could not import “${image.name ?? image.id}” (${method})${taskMessage ? `: ${taskMessage}` : ''}. It is now ${image.status}.`,
    details: {
      reason: 'import-failed',
      method,
      failed: progress.failed,
      imageStatus: image.status,
      ...(taskMessage ? { taskMessage } : {}),
    },
  });
}
