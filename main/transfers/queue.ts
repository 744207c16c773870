import { randomUUID } from 'node:crypto';
import { access, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../../common/errors';
import type { Image } from '../../common/image';
import {
  isActive,
  isFinished,
  type DownloadRequest,
  type Transfer,
  type TransferProgressEvent,
  type TransferState,
  type UploadRequest,
} from '../../common/transfer';
import { toAppError } from '../net/errors';
import { downloadImage, type DownloadPlan } from './download';
import { reserveDownloadTarget, safeFileName } from './file-names';
import { isOutOfSpace } from './fs-errors';
import type { ImageData } from './image-data';
import { QueueFile, type SavedTransfer } from './queue-file';
import { defaultRetryPolicy, type RetryPolicy } from './retry';
import { settled, uploadImage, type UploadPlan } from './upload';

export interface TransferQueueOptions {
  /** The app's data folder: the queue keeps `transfers.json` there. */
  dataDir: string;
  /** The Glance data calls for a profile (the composition root builds and caches these). */
  clientFor: (profileId: string) => Promise<ImageData>;
  /** Transfers running at once (default 2). */
  concurrency?: number;
  retry?: RetryPolicy;
  /** No byte for this long: the download is dropped and resumed (default 30 s). */
  stallTimeoutMs?: number;
  /** At most one progress event per this interval (default 250 ms). */
  eventIntervalMs?: number;
}

type Entry = SavedTransfer & {
  controller?: AbortController;
  /** Why the controller was aborted: decides the state the transfer lands in. */
  stopping?: 'pause' | 'cancel' | 'close';
  running?: Promise<void>;
  rate?: { at: number; bytes: number };
};

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Image look-ups at once when many downloads are queued together. */
const lookUpConcurrency = 4;

/** `work` on every item, at most `limit` at a time; the outcomes in the items' order. */
async function settleAll<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const outcomes: PromiseSettledResult<R>[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      try {
        outcomes[index] = { status: 'fulfilled', value: await work(items[index] as T) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return outcomes;
}

/**
 * The transfer queue: runs downloads and uploads a few at a time, lets each be paused,
 * resumed, cancelled and retried, persists the list so that a restart brings unfinished
 * transfers back (running ones re-queued, paused ones paused), and reports changes through
 * one throttled event stream.
 */
export class TransferQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(event: TransferProgressEvent) => void>();
  private readonly changed = new Set<string>();
  private readonly file: QueueFile;
  private readonly concurrency: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly stallTimeoutMs: number;
  private readonly eventIntervalMs: number;
  private eventTimer: NodeJS.Timeout | null = null;
  private lastEventAt = 0;
  private saveTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(private readonly options: TransferQueueOptions) {
    this.file = new QueueFile(join(options.dataDir, 'transfers.json'));
    this.concurrency = options.concurrency ?? 2;
    this.retryPolicy = options.retry ?? defaultRetryPolicy;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.eventIntervalMs = options.eventIntervalMs ?? 250;
  }

  /** Loads the persisted transfers and starts the unfinished ones. */
  static async open(options: TransferQueueOptions): Promise<TransferQueue> {
    const queue = new TransferQueue(options);
    for (const saved of await queue.file.read()) {
      const transfer = { ...saved.transfer, rate: 0, etaSeconds: null };
      if (isActive(transfer)) transfer.state = 'queued';
      queue.entries.set(transfer.id, { ...saved, transfer } as Entry);
    }
    queue.pump();
    return queue;
  }

  /** Every transfer, oldest first. */
  list(): Transfer[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.transfer }));
  }

  get(id: string): Transfer {
    return { ...this.entry(id).transfer };
  }

  /**
   * One stream of changes: each event carries the transfers added or changed since the
   * last one and the ids of those removed, at most one event per `eventIntervalMs`.
   * Returns the unsubscribe function.
   */
  onChange(listener: (event: TransferProgressEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues one download per image. Each gets a free file name in the folder at once (its
   * `.part` is created), so an unwritable folder fails here with a 'filesystem' error. An
   * image that cannot be read (missing, no access) becomes a failed transfer saying why.
   */
  async enqueueDownloads(request: DownloadRequest): Promise<Transfer[]> {
    const entries = request.imageIds.map((imageId): Entry => {
      const transfer = this.newTransfer('download', request.profileId, imageId, request.folder);
      return {
        transfer: transfer as Transfer & { kind: 'download' },
        plan: {
          imageId,
          imageName: imageId,
          folder: request.folder,
          finalPath: '',
          partPath: '',
          expected: null,
        },
      };
    });
    // The look-ups run a few at a time; names are claimed in order, so that copies of one
    // name are numbered as the user listed them.
    const images = await settleAll(entries, lookUpConcurrency, (entry) => this.lookUp(entry));
    const added: Transfer[] = [];
    try {
      for (const [index, entry] of entries.entries()) {
        const image = images[index];
        try {
          if (image?.status === 'rejected') throw image.reason;
          if (image !== undefined) await this.reserveTarget(entry, image.value);
        } catch (thrown) {
          const error = toAppError(thrown);
          if (error.kind === 'filesystem') throw error;
          entry.transfer.state = 'failed';
          entry.transfer.error = error.toJSON();
          entry.transfer.finishedAt = new Date().toISOString();
        }
        this.add(entry);
        added.push({ ...entry.transfer });
      }
    } finally {
      this.pump(); // what was added before a failure still runs
    }
    return added;
  }

  /** Queues an upload: into `imageId` (must be queued), or into a new image from `create`. */
  async enqueueUpload(request: UploadRequest): Promise<Transfer> {
    if ((request.imageId === undefined) === (request.create === undefined)) {
      throw new AppError({
        kind: 'validation',
        message: 'An upload goes either into an existing image or into a new one, not both.',
      });
    }
    const transfer = this.newTransfer(
      'upload',
      request.profileId,
      request.imageId ?? '',
      dirname(request.sourcePath),
    );
    transfer.path = request.sourcePath;
    transfer.imageName = request.create?.name ?? request.imageId ?? '';
    const plan: UploadPlan = {
      sourcePath: request.sourcePath,
      imageId: request.imageId ?? null,
      create: request.create ?? null,
    };
    this.add({ transfer: transfer as Transfer & { kind: 'upload' }, plan });
    this.pump();
    return { ...transfer };
  }

  /** Stops a queued or running transfer and keeps what it has (a download's `.part`). */
  async pause(id: string): Promise<void> {
    const entry = this.entry(id);
    if (entry.transfer.state === 'queued') return this.setState(entry, 'paused');
    if (isActive(entry.transfer)) await this.stop(entry, 'pause');
  }

  /** Puts a paused transfer back in the queue. */
  resume(id: string): void {
    const entry = this.entry(id);
    if (entry.transfer.state !== 'paused') return;
    this.setState(entry, 'queued');
    this.pump();
  }

  /** Stops a transfer for good, removing a download's `.part` or an upload's still-empty new image. */
  async cancel(id: string): Promise<void> {
    const entry = this.entry(id);
    if (entry.transfer.state === 'done' || entry.transfer.state === 'cancelled') return;
    if (isActive(entry.transfer)) {
      await this.stop(entry, 'cancel');
      return;
    }
    await this.discardLeftovers(entry);
    this.finish(entry, 'cancelled');
  }

  /** Runs a failed or cancelled transfer again (a download resumes from its `.part` if any). */
  async retry(id: string): Promise<void> {
    const entry = this.entry(id);
    if (entry.transfer.state !== 'failed' && entry.transfer.state !== 'cancelled') return;
    if ('partPath' in entry.plan) {
      // Without its `.part` (cancelled, bad data, never started): claim a free name again.
      if (entry.plan.partPath === '' || !(await exists(entry.plan.partPath))) {
        await this.claimTarget(entry);
      }
    }
    delete entry.transfer.error;
    delete entry.transfer.finishedAt;
    delete entry.transfer.verification;
    this.setState(entry, 'queued');
    this.pump();
  }

  /** Forgets a finished (done, failed, cancelled) transfer, and what a failed one kept. */
  async remove(id: string): Promise<void> {
    const entry = this.entry(id);
    if (!isFinished(entry.transfer)) {
      throw new AppError({
        kind: 'conflict',
        message: 'Cancel the transfer before removing it from the list.',
      });
    }
    if (entry.transfer.state === 'failed') await this.discardLeftovers(entry);
    this.entries.delete(id);
    this.changed.add(id);
    this.scheduleEvent();
    this.scheduleSave();
  }

  /**
   * Stops every running transfer without changing its saved state (it resumes when the
   * queue is opened again) and writes the file. For app shutdown.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.entries.values()].map((entry) =>
        entry.controller ? this.stop(entry, 'close') : undefined,
      ),
    );
    if (this.eventTimer) clearTimeout(this.eventTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.flushEvents();
    await this.save();
  }

  /**
   * Names a download after its image and claims a free name in the folder (creating its
   * `.part`), so an unwritable folder fails here and two downloads never share a name.
   */
  private async claimTarget(entry: Entry): Promise<void> {
    await this.reserveTarget(entry, await this.lookUp(entry));
  }

  private async lookUp(entry: Entry): Promise<Image> {
    const data = await this.options.clientFor(entry.transfer.profileId);
    return data.getImage(entry.transfer.imageId);
  }

  private async reserveTarget(entry: Entry, image: Image): Promise<void> {
    const { transfer, plan } = entry;
    if (!('partPath' in plan)) return;
    transfer.imageName = image.name ?? image.id;
    transfer.bytesTotal = image.size ?? null;
    const target = await reserveDownloadTarget(
      transfer.folder,
      safeFileName(image.name, image.disk_format, image.id),
    );
    entry.plan = { ...plan, imageName: transfer.imageName, ...target };
    transfer.path = target.finalPath;
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError({ kind: 'not-found', message: 'No such transfer.' });
    return entry;
  }

  private newTransfer(
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

  private add(saved: SavedTransfer): void {
    this.entries.set(saved.transfer.id, saved);
    this.changed.add(saved.transfer.id);
    this.scheduleEvent();
    this.scheduleSave();
  }

  private async stop(entry: Entry, why: NonNullable<Entry['stopping']>): Promise<void> {
    entry.stopping = why;
    entry.controller?.abort();
    await entry.running;
  }

  /**
   * What a transfer given up leaves behind: a download's `.part`, or the image an upload
   * created, while it is still empty (never an image a finished upload filled).
   */
  private async discardLeftovers(entry: Entry): Promise<void> {
    const { plan } = entry;
    if ('partPath' in plan) {
      if (plan.partPath !== '') await rm(plan.partPath, { force: true });
      return;
    }
    // An id the user chose is kept: Glance never gives a deleted image's id out again.
    if (plan.create === null || plan.create.id !== undefined || plan.imageId === null) return;
    const data = await this.options.clientFor(entry.transfer.profileId);
    if ((await settled(data, plan.imageId)).status !== 'queued') return;
    await data.deleteImage(plan.imageId);
    entry.plan = { ...plan, imageId: null }; // a retry creates the image again
    entry.transfer.imageId = '';
    this.scheduleSave();
  }

  private pump(): void {
    if (this.closed) return;
    let running = [...this.entries.values()].filter((entry) => entry.controller).length;
    for (const entry of this.entries.values()) {
      if (running >= this.concurrency) break;
      if (entry.transfer.state !== 'queued' || entry.controller) continue;
      running++;
      entry.controller = new AbortController();
      entry.running = this.run(entry, entry.controller.signal);
    }
  }

  private async run(entry: Entry, signal: AbortSignal): Promise<void> {
    const { transfer } = entry;
    delete entry.stopping;
    delete transfer.error;
    transfer.attempts += 1;
    this.setState(entry, 'running');
    const common = {
      signal,
      onProgress: (bytesDone: number, bytesTotal: number | null) => {
        this.progress(entry, bytesDone, bytesTotal);
      },
      onVerifying: () => this.setState(entry, 'verifying'),
    };
    try {
      const data = await this.options.clientFor(transfer.profileId);
      if (entry.transfer.kind === 'download') {
        const result = await downloadImage(data, entry.plan as DownloadPlan, {
          ...common,
          policy: this.retryPolicy,
          stallTimeoutMs: this.stallTimeoutMs,
          onRetry: () => {
            transfer.attempts += 1;
            this.setState(entry, 'retrying');
          },
          onPlan: (plan) => {
            entry.plan = plan;
            this.scheduleSave();
          },
        });
        transfer.path = result.path;
        transfer.bytesDone = result.bytes;
        if (result.verification) transfer.verification = result.verification;
      } else {
        const result = await uploadImage(data, entry.plan as UploadPlan, {
          ...common,
          onPlan: (plan) => {
            entry.plan = plan;
            transfer.imageId = plan.imageId ?? '';
            this.scheduleSave();
          },
        });
        transfer.imageId = result.image.id;
        transfer.imageName = result.image.name ?? result.image.id;
        transfer.bytesDone = result.bytes;
        if (result.verification) transfer.verification = result.verification;
      }
      this.finish(entry, 'done');
    } catch (thrown) {
      const error = toAppError(thrown);
      if (entry.stopping === 'pause') this.setState(entry, 'paused');
      else if (entry.stopping === 'close') transfer.state = 'queued';
      else if (entry.stopping === 'cancel') {
        await this.discardLeftovers(entry).catch(() => undefined);
        this.finish(entry, 'cancelled');
      } else if (isOutOfSpace(error)) {
        // The download kept its .part: paused, it resumes from there once space is freed.
        transfer.error = error.toJSON();
        this.setState(entry, 'paused');
      } else {
        transfer.error = error.toJSON();
        if (
          typeof error.details?.actual === 'string' &&
          typeof error.details.expected === 'string'
        ) {
          transfer.verification = {
            algorithm: String(error.details.algorithm ?? ''),
            expected: error.details.expected,
            actual: error.details.actual,
            ok: false,
          };
        }
        this.finish(entry, 'failed');
      }
    } finally {
      delete entry.controller;
      delete entry.stopping;
      delete entry.rate;
      transfer.rate = 0;
      transfer.etaSeconds = null;
      this.pump();
    }
  }

  private progress(entry: Entry, bytesDone: number, bytesTotal: number | null): void {
    const { transfer } = entry;
    const now = Date.now();
    if (transfer.state === 'retrying') transfer.state = 'running';
    transfer.bytesDone = bytesDone;
    transfer.bytesTotal = bytesTotal;
    // Rate: bytes over the last half second or more, smoothed.
    if (!entry.rate || bytesDone < entry.rate.bytes) entry.rate = { at: now, bytes: bytesDone };
    else if (now - entry.rate.at >= 500) {
      const sample = ((bytesDone - entry.rate.bytes) * 1000) / (now - entry.rate.at);
      transfer.rate = transfer.rate === 0 ? sample : 0.7 * transfer.rate + 0.3 * sample;
      entry.rate = { at: now, bytes: bytesDone };
    }
    transfer.etaSeconds =
      bytesTotal !== null && transfer.rate > 0
        ? Math.ceil((bytesTotal - bytesDone) / transfer.rate)
        : null;
    this.changed.add(transfer.id);
    this.scheduleEvent();
    this.scheduleSave(2000);
  }

  private setState(entry: Entry, state: TransferState): void {
    entry.transfer.state = state;
    this.changed.add(entry.transfer.id);
    this.scheduleEvent();
    this.scheduleSave();
  }

  private finish(entry: Entry, state: 'done' | 'failed' | 'cancelled'): void {
    entry.transfer.finishedAt = new Date().toISOString();
    this.setState(entry, state);
  }

  private scheduleEvent(): void {
    if (this.eventTimer || this.closed) return;
    const wait = Math.max(0, this.lastEventAt + this.eventIntervalMs - Date.now());
    this.eventTimer = setTimeout(() => {
      this.eventTimer = null;
      this.flushEvents();
    }, wait);
  }

  private flushEvents(): void {
    if (this.changed.size === 0) return;
    const event: TransferProgressEvent = { transfers: [], removed: [] };
    for (const id of this.changed) {
      const entry = this.entries.get(id);
      if (entry) event.transfers.push({ ...entry.transfer });
      else event.removed.push(id);
    }
    this.changed.clear();
    this.lastEventAt = Date.now();
    for (const listener of this.listeners) listener(event);
  }

  private scheduleSave(delayMs = 100): void {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, delayMs);
  }

  private save(): Promise<void> {
    const saved = [...this.entries.values()].map(
      ({ transfer, plan }) => ({ transfer, plan }) as SavedTransfer,
    );
    return this.file.write(saved).catch(() => {
      // A failing write (full disk) must not break running transfers; the next one retries.
    });
  }
}
