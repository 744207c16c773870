import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { CopyRequest } from '../../common/copy';
import { AppError } from '../../common/errors';
import type { AppSettings, ExistingFileChoice } from '../../common/profile';
import type { Image } from '../../common/image';
import {
  actionOutcome,
  isActive,
  type DownloadRequest,
  type DownloadsStarted,
  type Transfer,
  type TransferAction,
  type TransferProgressEvent,
  type TransferState,
  type UploadRequest,
  type ImportRequest,
} from '../../common/transfer';
import { Limiter } from '../async/limiter';
import { RunOnceScheduler } from '../async/run-once-scheduler';
import { ThrottledBatch } from '../async/throttled-batch';
import { toAppError } from '../net/errors';
import { isCopy, nameCopy, newCopy } from './copy-work';
import { existingTarget, reserveReplacement, safeFileName } from './file-names';
import { isOutOfSpace } from './fs-errors';
import type { ImageData } from './image-data';
import { newImport, sendsNoBytes } from './import-work';
import { QueueFile, type SavedTransfer } from './queue-file';
import { etaSeconds, RateMeter } from './rate';
import { defaultRetryPolicy, type RetryPolicy } from './retry';
import { BandwidthLimit, type TransferLimits } from './token-bucket';
import {
  discardLeftovers,
  nameDownload,
  newDownload,
  newUpload,
  runTransfer,
} from './transfer-work';

export interface TransferQueueOptions {
  /** The app's data folder: the queue keeps `transfers.json` there. */
  dataDir: string;
  /** The Glance data calls for a profile (the composition root builds and caches these). */
  clientFor: (profileId: string) => Promise<ImageData>;
  /** Transfers running at once (default 2; `configure` changes it). */
  concurrency?: number;
  /** A download's connections, for its profile (default 1; the app passes its settings'). */
  connectionsFor?: (profileId: string) => number;
  /** What to do where a download's file exists, unless the request says (default: keep both). */
  existingFile?: () => ExistingFileChoice;
  retry?: RetryPolicy;
  /** No byte for this long: the download is dropped and resumed (default 30 s). */
  stallTimeoutMs?: number;
  /** At most one progress event per this interval (default 250 ms). */
  eventIntervalMs?: number;
}

type Entry = SavedTransfer & {
  controller?: AbortController;
  /** Why the transfer is being stopped: decides the state it lands in. */
  stopping?: 'pause' | 'cancel' | 'close';
  /**
   * A copy being cancelled keeps its unfinished image on the target cloud; an import its
   * image (unset: the import's own rule, see discardImportLeftovers).
   */
  keepTarget?: boolean;
  running?: Promise<void>;
  meter?: RateMeter;
};

/** Imports followed at once that move no bytes from here (web-download, copy-image, …). */
const cloudImportsAtOnce = 4;
/** Image look-ups at once when many downloads are queued together. */
const lookUpConcurrency = 4;
/** A change of state is saved within this long, progress within `progressSaveMs`. */
const stateSaveMs = 100;
const progressSaveMs = 2000;

/** A limit in MB/s (as the app shows sizes: 1 MB = 1,048,576 bytes) in bytes per second. */
const bytesPerSecond = (megabytes: number | null) =>
  megabytes === null ? null : megabytes * 1024 * 1024;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The transfer queue: the state machine of every transfer. It runs downloads and uploads
 * a few at a time, lets each be paused, resumed, cancelled, retried and removed as the
 * rules in common/transfer.ts allow (and refuses what they do not), persists the list so
 * that a restart brings unfinished transfers back (running ones re-queued, paused ones
 * paused), and reports every change, removals too, through one throttled event stream.
 * The byte work is in transfer-work.ts, the timing in main/async.
 */
export class TransferQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(event: TransferProgressEvent) => void>();
  private readonly file: QueueFile;
  private readonly slots: Limiter;
  /** Imports the cloud does by itself only wait on the cloud: they do not take a slot above. */
  private readonly cloudSlots = new Limiter(cloudImportsAtOnce);
  private readonly events: ThrottledBatch<string>;
  private readonly saver: RunOnceScheduler;
  private readonly retryPolicy: RetryPolicy;
  private readonly limits: TransferLimits = {
    download: new BandwidthLimit(),
    upload: new BandwidthLimit(),
  };
  private readonly stallTimeoutMs: number;
  private closed = false;

  private constructor(private readonly options: TransferQueueOptions) {
    this.file = new QueueFile(join(options.dataDir, 'transfers.json'));
    this.slots = new Limiter(options.concurrency ?? 2);
    this.events = new ThrottledBatch((ids) => this.emit(ids), options.eventIntervalMs ?? 250);
    this.saver = new RunOnceScheduler(() => void this.save(), stateSaveMs);
    this.retryPolicy = options.retry ?? defaultRetryPolicy;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  }

  /** Loads the persisted transfers and starts the unfinished ones. */
  static async open(options: TransferQueueOptions): Promise<TransferQueue> {
    const queue = new TransferQueue(options);
    for (const saved of await queue.file.read()) {
      const transfer = { ...saved.transfer, rate: 0, etaSeconds: null };
      if (isActive(transfer)) transfer.state = 'queued';
      queue.entries.set(transfer.id, { ...saved, transfer } as Entry);
    }
    for (const entry of queue.entries.values()) queue.schedule(entry);
    return queue;
  }

  /**
   * Applies the transfer settings: how many transfers run at once (those running go on
   * when it shrinks) and the bandwidth limits all downloads, and all uploads, share.
   */
  configure(
    settings: Pick<AppSettings, 'transfersAtOnce' | 'downloadLimitMBps' | 'uploadLimitMBps'>,
  ): void {
    this.slots.setMaxConcurrent(settings.transfersAtOnce);
    this.limits.download.set(bytesPerSecond(settings.downloadLimitMBps));
    this.limits.upload.set(bytesPerSecond(settings.uploadLimitMBps));
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
   * Where an image's file (or an unfinished `.part` of it) is in the folder already,
   * `request.existing` (else the `existingFile` option) decides; see `place`.
   */
  async enqueueDownloads(request: DownloadRequest): Promise<DownloadsStarted> {
    const choice = request.existing ?? this.options.existingFile?.() ?? 'keep-both';
    const entries: Entry[] = request.imageIds.map((imageId) => newDownload(request, imageId));
    // The look-ups run a few at a time; names are claimed in order, so that copies of one
    // name are numbered as the user listed them.
    const lookUps = new Limiter(lookUpConcurrency);
    const images = await Promise.allSettled(
      entries.map((entry) => lookUps.queue(() => this.lookUp(entry))),
    );
    const started: DownloadsStarted = { transfers: [], existing: [], skipped: [] };
    try {
      for (const [index, entry] of entries.entries()) {
        const image = images[index];
        try {
          if (image?.status === 'rejected') throw image.reason;
          if (image !== undefined && !(await this.place(entry, image.value, choice, started))) {
            continue;
          }
        } catch (thrown) {
          const error = toAppError(thrown);
          if (error.kind === 'filesystem') throw error;
          entry.transfer.state = 'failed';
          entry.transfer.error = error.toJSON();
          entry.transfer.finishedAt = new Date().toISOString();
        }
        this.add(entry);
        started.transfers.push({ ...entry.transfer });
      }
    } finally {
      // What was added before a failure still runs.
      for (const entry of entries) if (this.entries.has(entry.transfer.id)) this.schedule(entry);
    }
    return started;
  }

  /**
   * Names a new download after its image. Where its file is in the folder already, by
   * `choice`: keep both (a numbered name, as when nothing is there), replace the file once
   * the download is verified, resume the unfinished `.part` there (through the transfer
   * that owns it, if one does), skip the image, or ask (also what resume does where there
   * is nothing to resume). Returns false where no new download is to be added.
   */
  private async place(
    entry: Entry,
    image: Image,
    choice: ExistingFileChoice,
    started: DownloadsStarted,
  ): Promise<boolean> {
    const { folder } = entry.transfer;
    const fileName = safeFileName(image.name, image.disk_format, image.id);
    const found = await existingTarget(folder, fileName);
    if (!found.file && found.partBytes === null) {
      await nameDownload(entry, image);
      return true;
    }
    const owner = [...this.entries.values()].find(
      (other) => 'partPath' in other.plan && other.plan.partPath === found.partPath,
    );
    switch (choice === 'resume' && found.partBytes === null ? 'ask' : choice) {
      case 'keep-both':
        await nameDownload(entry, image);
        return true;
      case 'overwrite':
        await nameDownload(entry, image, await reserveReplacement(folder, fileName, !!owner));
        return true;
      case 'resume':
        if (owner === undefined) {
          const { finalPath, partPath } = found;
          await nameDownload(entry, image, { folder, finalPath, partPath });
          return true;
        }
        if (owner.transfer.state === 'paused') this.resume(owner.transfer.id);
        else if (actionOutcome(owner.transfer, 'retry')) await this.retry(owner.transfer.id);
        started.transfers.push({ ...owner.transfer });
        return false;
      case 'skip':
        started.skipped.push(image.id);
        return false;
      case 'ask':
        started.existing.push({
          imageId: image.id,
          imageName: image.name ?? image.id,
          fileName,
          file: found.file,
          partBytes: found.partBytes,
        });
        return false;
    }
  }

  /** Queues an upload: into `imageId` (must be queued), or into a new image from `create`. */
  async enqueueUpload(request: UploadRequest): Promise<Transfer> {
    if ((request.imageId === undefined) === (request.create === undefined)) {
      throw new AppError({
        kind: 'validation',
        message: 'An upload goes either into an existing image or into a new one, not both.',
      });
    }
    const entry: Entry = newUpload(request);
    this.add(entry);
    const queued = { ...entry.transfer };
    this.schedule(entry);
    return queued;
  }

  /** Queues an import: into `imageId`, or into a new image from `create`. */
  async enqueueImport(request: ImportRequest): Promise<Transfer> {
    if ((request.imageId === undefined) === (request.create === undefined)) {
      throw new AppError({
        kind: 'validation',
        message: 'An import goes either into an existing image or into a new one, not both.',
      });
    }
    const entry: Entry = newImport(request);
    this.add(entry);
    const queued = { ...entry.transfer };
    this.schedule(entry);
    return queued;
  }

  /**
   * Queues one copy per item. A source image that cannot be read becomes a failed transfer
   * saying why; an unwritable local-copy folder fails here with a 'filesystem' error.
   */
  async enqueueCopies(request: CopyRequest): Promise<Transfer[]> {
    if (request.sourceProfileId === request.targetProfileId) {
      throw new AppError({
        kind: 'validation',
        message: 'A copy goes to another cloud than its source.',
        details: { reason: 'copy-to-same-cloud' },
      });
    }
    const entries: Entry[] = request.items.map((item) => newCopy(request, item));
    const lookUps = new Limiter(lookUpConcurrency);
    const images = await Promise.allSettled(
      entries.map((entry) => lookUps.queue(() => this.lookUp(entry))),
    );
    for (const [index, entry] of entries.entries()) {
      const image = images[index];
      try {
        if (image?.status === 'rejected') throw image.reason;
        if (image !== undefined && isCopy(entry)) await nameCopy(entry, image.value);
      } catch (thrown) {
        const error = toAppError(thrown);
        if (error.kind === 'filesystem') {
          for (const named of entries) await this.discardLeftovers(named).catch(() => undefined);
          throw error;
        }
        entry.transfer.state = 'failed';
        entry.transfer.error = error.toJSON();
        entry.transfer.finishedAt = new Date().toISOString();
      }
    }
    for (const entry of entries) {
      this.add(entry);
      this.schedule(entry);
    }
    return entries.map((entry) => ({ ...entry.transfer }));
  }

  /** Stops a queued or running transfer and keeps what it has (a download's `.part`). */
  async pause(id: string): Promise<void> {
    const entry = this.allowed(id, 'pause');
    if (entry.controller) await this.stop(entry, 'pause');
    else this.setState(entry, 'paused');
  }

  /** Puts a paused transfer back in the queue. */
  resume(id: string): void {
    const entry = this.allowed(id, 'resume');
    this.setState(entry, 'queued');
    this.schedule(entry);
  }

  /**
   * Stops a transfer for good, removing a download's `.part`, an upload's still-empty new
   * image, or a copy's image on the target cloud (unless `keepTarget`: then it stays,
   * queued and named as an unfinished copy). An import's image is kept or deleted as
   * `keepTarget` says, by default deleted only where the import created it.
   */
  async cancel(id: string, keepTarget?: boolean): Promise<void> {
    const entry = this.allowed(id, 'cancel');
    entry.keepTarget = keepTarget;
    if (entry.controller) return this.stop(entry, 'cancel');
    entry.stopping = 'cancel'; // a queued one must not start while its leftovers go
    try {
      await this.discardLeftovers(entry, keepTarget);
      this.finish(entry, 'cancelled');
    } finally {
      delete entry.stopping;
    }
  }

  /** Runs a failed or cancelled transfer again (a download resumes from its `.part` if any). */
  async retry(id: string): Promise<void> {
    const entry = this.allowed(id, 'retry');
    if ('partPath' in entry.plan) {
      // Without its `.part` (cancelled, bad data, never started): claim a free name again.
      if (entry.plan.partPath === '' || !(await exists(entry.plan.partPath))) {
        await nameDownload(entry, await this.lookUp(entry));
      }
    }
    delete entry.transfer.error;
    delete entry.transfer.finishedAt;
    delete entry.transfer.verification;
    this.setState(entry, 'queued');
    this.schedule(entry);
  }

  /** Forgets a finished transfer, and deletes what a failed one kept. */
  async remove(id: string): Promise<void> {
    const entry = this.allowed(id, 'remove');
    if (actionOutcome(entry.transfer, 'remove')?.leftovers === 'discard') {
      await this.discardLeftovers(entry);
    }
    this.entries.delete(id);
    this.changed(id);
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
    this.events.flush();
    this.events.dispose();
    this.saver.dispose();
    await this.save();
  }

  /** The entry, if its state allows `action`; otherwise a 'conflict' error saying so. */
  private allowed(id: string, action: TransferAction): Entry {
    const entry = this.entry(id);
    const { kind, state } = entry.transfer;
    if (actionOutcome(entry.transfer, action) === undefined) {
      throw new AppError({
        kind: 'conflict',
        message: `A ${state} ${kind} does not allow ${action}.`,
        details: { reason: 'action-not-allowed', state, action },
      });
    }
    return entry;
  }

  private async lookUp(entry: Entry): Promise<Image> {
    const data = await this.options.clientFor(entry.transfer.profileId);
    return data.getImage(entry.transfer.imageId);
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) {
      throw new AppError({
        kind: 'not-found',
        message: 'No such transfer.',
        details: { reason: 'transfer-gone' },
      });
    }
    return entry;
  }

  private add(entry: Entry): void {
    this.entries.set(entry.transfer.id, entry);
    this.changed(entry.transfer.id);
  }

  /** Waits for a free slot, then runs the transfer if it is still queued then. */
  private schedule(entry: Entry): void {
    if (entry.transfer.state !== 'queued') return;
    const slots = sendsNoBytes(entry) ? this.cloudSlots : this.slots;
    void slots.queue(async () => {
      if (this.closed || entry.controller || entry.stopping) return;
      if (entry.transfer.state !== 'queued' || !this.entries.has(entry.transfer.id)) return;
      entry.controller = new AbortController();
      entry.running = this.run(entry, entry.controller.signal);
      await entry.running;
    });
  }

  private async stop(entry: Entry, why: NonNullable<Entry['stopping']>): Promise<void> {
    entry.stopping = why;
    entry.controller?.abort();
    await entry.running;
  }

  /**
   * Deletes what the transfer leaves behind. `keepTarget` is a cancel's answer, for that
   * cancel only: removing a retry that failed later asks nobody, so the default rule holds.
   */
  private async discardLeftovers(entry: Entry, keepTarget?: boolean): Promise<void> {
    await discardLeftovers(entry, this.options.clientFor, keepTarget);
    this.saver.schedule();
  }

  private async run(entry: Entry, signal: AbortSignal): Promise<void> {
    const { transfer } = entry;
    delete entry.stopping;
    delete transfer.error;
    transfer.attempts += 1;
    entry.meter = new RateMeter();
    this.setState(entry, 'running');
    try {
      const data = await this.options.clientFor(transfer.profileId);
      await runTransfer(data, entry, {
        dataFor: this.options.clientFor,
        signal,
        retryPolicy: this.retryPolicy,
        stallTimeoutMs: this.stallTimeoutMs,
        connections: this.options.connectionsFor?.(transfer.profileId) ?? 1,
        limits: this.limits,
        onConnections: () => this.changed(transfer.id),
        onProgress: (bytesDone, bytesTotal) => this.progress(entry, bytesDone, bytesTotal),
        onVerifying: () => this.setState(entry, 'verifying'),
        onRetry: () => {
          transfer.attempts += 1;
          this.setState(entry, 'retrying');
        },
        onPlan: () => this.saver.schedule(),
        onImporting: () => this.setState(entry, 'importing'),
        onImport: () => this.changed(transfer.id),
      });
      this.finish(entry, 'done');
    } catch (thrown) {
      const error = toAppError(thrown);
      if (entry.stopping === 'pause') this.setState(entry, 'paused');
      else if (entry.stopping === 'close') transfer.state = 'queued';
      else if (entry.stopping === 'cancel') {
        await this.discardLeftovers(entry, entry.keepTarget).catch(() => undefined);
        this.finish(entry, 'cancelled');
      } else if (isOutOfSpace(error)) {
        // The download kept its .part: paused, it resumes from there once space is freed.
        transfer.error = error.toJSON();
        this.setState(entry, 'paused');
      } else {
        transfer.error = error.toJSON();
        const { details } = error;
        if (details?.reason === 'hash-mismatch') {
          const { algorithm, expected, actual } = details;
          transfer.verification = { algorithm, expected, actual, ok: false };
        }
        this.finish(entry, 'failed');
      }
    } finally {
      delete entry.controller;
      delete entry.stopping;
      delete entry.meter;
      transfer.rate = 0;
      transfer.etaSeconds = null;
    }
  }

  private progress(entry: Entry, bytesDone: number, bytesTotal: number | null): void {
    const { transfer } = entry;
    if (transfer.state === 'retrying') transfer.state = 'running';
    transfer.bytesDone = bytesDone;
    transfer.bytesTotal = bytesTotal;
    transfer.rate = entry.meter?.update(bytesDone, Date.now()) ?? 0;
    transfer.etaSeconds = etaSeconds(bytesDone, bytesTotal, transfer.rate);
    this.events.add(transfer.id);
    this.saver.schedule(progressSaveMs);
  }

  private setState(entry: Entry, state: TransferState): void {
    entry.transfer.state = state;
    this.changed(entry.transfer.id);
  }

  private finish(entry: Entry, state: 'done' | 'failed' | 'cancelled'): void {
    entry.transfer.finishedAt = new Date().toISOString();
    this.setState(entry, state);
  }

  /** Reports the transfer in the next event, and saves the list soon. */
  private changed(id: string): void {
    this.events.add(id);
    this.saver.schedule();
  }

  private emit(ids: string[]): void {
    const event: TransferProgressEvent = { transfers: [], removed: [] };
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry) event.transfers.push({ ...entry.transfer });
      else event.removed.push(id);
    }
    for (const listener of this.listeners) listener(event);
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
