import type { AppErrorData } from './errors';
import type { ImageCreate } from './image';

/** Transfer types shared by main (the engine, the queue) and the renderer (the panel). */
export type TransferKind = 'download' | 'upload';

export type TransferState =
  | 'queued'
  | 'running'
  /** Waiting before a retry after a dropped or stalled connection. */
  | 'retrying'
  | 'verifying'
  | 'paused'
  | 'done'
  | 'failed'
  | 'cancelled';

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
  /** Downloads: the folder chosen; uploads: the folder of the source file. */
  folder: string;
  /** Downloads: the final file path (only exists once verified); uploads: the source file. */
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
  error?: AppErrorData;
  createdAt: string;
  finishedAt?: string;
}

/** Pushed from main a few times a second at most: the transfers that changed. */
export interface TransferProgressEvent {
  transfers: Transfer[];
}

/** Download images (by id) of one profile into a folder. */
export interface DownloadRequest {
  profileId: string;
  imageIds: string[];
  folder: string;
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
}
