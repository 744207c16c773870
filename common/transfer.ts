import type { CopyInfo } from './copy';
import type { AppErrorData } from './errors';
import type { ImageCreate } from './image';
import type { ExistingFileChoice } from './profile';
import type { ImportProgress, ImportSource, StoreChoice } from './import';

/** Transfer types shared by main (the engine, the queue) and the renderer (the panel). */
export type TransferKind = 'download' | 'upload' | 'import' | 'copy';

export const transferStates = [
  'queued',
  'running',
  /** Waiting before a retry after a dropped or stalled connection. */
  'retrying',
  'verifying',
  /** An import's second phase: the cloud writes the data into its stores; the app follows it. */
  'importing',
  'paused',
  'done',
  'failed',
  'cancelled',
] as const;

export type TransferState = (typeof transferStates)[number];

/** Holding one of the queue's slots: moving bytes, waiting to retry, or checking them. */
export function isActive(transfer: Pick<Transfer, 'state'>): boolean {
  return (
    transfer.state === 'running' ||
    transfer.state === 'retrying' ||
    transfer.state === 'verifying' ||
    transfer.state === 'importing'
  );
}

/** Ended: done, failed or cancelled. Only a retry runs it again. */
export function isFinished(transfer: Pick<Transfer, 'state'>): boolean {
  return transfer.state === 'done' || transfer.state === 'failed' || transfer.state === 'cancelled';
}

export const transferActions = ['pause', 'resume', 'cancel', 'retry', 'remove'] as const;

export type TransferAction = (typeof transferActions)[number];

/** What an allowed action does to a transfer. */
export interface ActionOutcome {
  /** The state it leads to; 'removed': gone from the list. */
  to: TransferState | 'removed';
  /**
   * What becomes of what was transferred so far: a download's `.part` is kept (a resume or
   * a retry continues from it) or deleted, and so is an upload's new image while it is
   * still empty, and the image a copy made on the target cloud.
   */
  leftovers: 'keep' | 'discard';
  /** Allowed for these kinds of transfer only. */
  only?: readonly TransferKind[];
}

const pause: ActionOutcome = { to: 'paused', leftovers: 'keep' };
const requeue: ActionOutcome = { to: 'queued', leftovers: 'keep' };
const cancel: ActionOutcome = { to: 'cancelled', leftovers: 'discard' };
const forget = (leftovers: ActionOutcome['leftovers']): ActionOutcome => ({
  to: 'removed',
  leftovers,
});

/**
 * Which actions each state allows, and what they do. A running copy can be paused: its
 * upload starts over on resume, and a cancel deletes its image on the target cloud even
 * once the bytes are being verified. A running upload cannot be paused:
 * Glance takes an image's data in one request, so a paused upload would start over; nor
 * cancelled once it is verifying: the image has its data by then. Nor can an import be
 * paused once it runs, or stopped at all once the cloud is importing: Glance has no call
 * for either. A removed failed download takes its `.part` with it; a done one leaves its file.
 */
export const transferRules: Readonly<
  Record<TransferState, Readonly<Partial<Record<TransferAction, ActionOutcome>>>>
> = {
  queued: { pause, cancel },
  running: { pause: { ...pause, only: ['download', 'copy'] }, cancel },
  retrying: { pause, cancel },
  verifying: { cancel: { ...cancel, only: ['download', 'copy'] } },
  importing: {},
  paused: { resume: requeue, cancel },
  done: { remove: forget('keep') },
  failed: { retry: requeue, remove: forget('discard') },
  cancelled: { retry: requeue, remove: forget('keep') },
};

/** What `action` does to `transfer`, or undefined when its state does not allow it. */
export function actionOutcome(
  transfer: Pick<Transfer, 'kind' | 'state'>,
  action: TransferAction,
): ActionOutcome | undefined {
  const outcome = transferRules[transfer.state][action];
  return outcome?.only === undefined || outcome.only.includes(transfer.kind) ? outcome : undefined;
}

/** The actions `transfer` allows now, in the order the UI offers them. */
export function allowedActions(transfer: Pick<Transfer, 'kind' | 'state'>): TransferAction[] {
  return transferActions.filter((action) => actionOutcome(transfer, action) !== undefined);
}

/**
 * The bytes a download holds in its `.part`: none once done (the file is in place),
 * cancelled (deleted), or failed on bad data (main deleted them with the error).
 */
export function bytesInPart(
  transfer: Pick<Transfer, 'kind' | 'state' | 'bytesDone' | 'error'>,
): number {
  if (transfer.kind !== 'download') return 0;
  if (transfer.state === 'done' || transfer.state === 'cancelled') return 0;
  if (transfer.state === 'failed' && transfer.error?.kind === 'integrity') return 0;
  return transfer.bytesDone;
}

/**
 * Why a download runs on one connection where the settings allow more: the image is small
 * (under 64 MiB), the server does not answer a Range request with 206, the image's size is
 * unknown, or it declares no checksum (one plain request lets the server's Content-MD5
 * check the whole).
 */
export type OneConnectionReason = 'small-image' | 'no-ranges' | 'no-size' | 'no-hash';

/** The connections a download uses; the renderer words the reason. */
export interface DownloadConnections {
  count: number;
  oneBecause?: OneConnectionReason;
}

export interface Verification {
  /** 'sha512', 'md5', …: the strongest hash the image had. */
  algorithm: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface Transfer {
  id: string;
  kind: TransferKind;
  profileId: string;
  imageId: string;
  imageName: string;
  /** Downloads: the folder chosen; uploads and glance-direct imports: the folder of the source file. */
  folder: string;
  /**
   * Downloads: the final file path (only exists once verified); uploads and glance-direct
   * imports: the source file; web-download imports: the URL; other imports: ''.
   */
  path: string;
  state: TransferState;
  bytesDone: number;
  /** Null while unknown. */
  bytesTotal: number | null;
  /** Bytes per second, smoothed. */
  rate: number;
  /** Seconds left, null while unknown. */
  etaSeconds: number | null;
  attempts: number;
  verification?: Verification;
  /** Downloads, once running: how many connections, and why only one. */
  connections?: DownloadConnections;
  /** Copies: the target cloud and image (the source is `profileId` and `imageId`). */
  copy?: CopyInfo;
  /** Imports: the method, the stores and how far the cloud has got. */
  import?: ImportProgress;
  error?: AppErrorData;
  createdAt: string;
  finishedAt?: string;
}

/**
 * Pushed from main a few times a second at most: what happened to the list since the last
 * event. The queue owns the list; views follow these events and never edit it themselves.
 */
export interface TransferProgressEvent {
  /** Transfers added or changed, as they are now. */
  transfers: Transfer[];
  /** Ids of transfers removed from the list. */
  removed: string[];
}

/** Download images (by id) of one profile into a folder. */
export interface DownloadRequest {
  profileId: string;
  imageIds: string[];
  folder: string;
  /**
   * What to do where an image's file is already in the folder; absent: the settings'
   * choice. Where the answer is to ask, or to resume and there is nothing to resume, the
   * image is not queued but returned in `DownloadsStarted.existing`.
   */
  existing?: Exclude<ExistingFileChoice, 'ask'>;
}

/** An image whose file is already in the download folder: the user chooses what to do. */
export interface ExistingDownload {
  imageId: string;
  imageName: string;
  /** The file's name in the folder. */
  fileName: string;
  /** A file of that name is there. */
  file: boolean;
  /** The bytes of an unfinished download of it (its `.part`) there, or null for none. */
  partBytes: number | null;
}

/** What a request for downloads did. */
export interface DownloadsStarted {
  /** Queued now, or resumed (an unfinished download of the same file, as asked). */
  transfers: Transfer[];
  /** Not queued: their file exists, and the user is to choose. */
  existing: ExistingDownload[];
  /** Not queued: their file exists, and the choice was to skip them. */
  skipped: string[];
}

/**
 * Upload a file: into the existing queued image `imageId`, or into a new image created
 * from `create` (one of the two).
 */
export interface UploadRequest {
  profileId: string;
  sourcePath: string;
  imageId?: string;
  create?: ImageCreate;
  /** Multiple stores: the store to write to (`X-Image-Meta-Store`); absent: the default. */
  store?: string;
}

/**
 * Import data with one of Glance's import methods: into the existing image `imageId`
 * (queued, or active for copy-image), or into a new image created from `create`.
 */
export interface ImportRequest extends StoreChoice {
  profileId: string;
  source: ImportSource;
  imageId?: string;
  create?: ImageCreate;
}
