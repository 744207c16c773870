// The transfer queue's state machine, through the ImageData seam with an in-memory fake:
// every state × action (allowed: the state the rules name and what happens to the bytes;
// refused: a typed 'action-not-allowed' error, and nothing changes), a restart from the
// queue file, a full disk. The byte paths
// against the real Glance are in test/integration/transfers.
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import type { Image } from '../../../common/image';
import {
  actionOutcome,
  transferActions,
  type Transfer,
  type TransferAction,
  type TransferKind,
  type TransferProgressEvent,
  type TransferState,
} from '../../../common/transfer';
import { TransferQueue } from '../../../main/transfers/queue';
import { errnoError, FakeImageData, Gate } from './fake-image-data';

const size = 256 * 1024;
const heldAt = 64 * 1024;

let work: string;
let folder: string;
let dataDir: string;
let sourcePath: string;
let data: FakeImageData;
let queues: TransferQueue[];

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'queue-states-'));
  folder = join(work, 'downloads');
  dataDir = join(work, 'data');
  sourcePath = join(work, 'upload.bin');
  await mkdir(folder);
  await writeFile(sourcePath, randomBytes(size));
  data = new FakeImageData();
  queues = [];
});

afterEach(async () => {
  data.verifyGate?.open(); // a check in progress does not watch for the close
  for (const queue of queues) await queue.close();
  await rm(work, { recursive: true, force: true });
});

/** One slot, so a transfer behind a held one stays queued; no retry before a minute. */
async function openQueue(): Promise<TransferQueue> {
  const queue = await TransferQueue.open({
    dataDir,
    clientFor: async () => data,
    concurrency: 1,
    retry: { maxRetries: 1, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    stallTimeoutMs: 60_000,
    eventIntervalMs: 0,
  });
  queues.push(queue);
  return queue;
}

/** Resolves with the transfer once `predicate` holds for it (checked on every event). */
function until(
  queue: TransferQueue,
  id: string,
  predicate: (transfer: Transfer) => boolean,
): Promise<Transfer> {
  return new Promise((resolve) => {
    const check = () => {
      const transfer = queue.get(id);
      if (!predicate(transfer)) return;
      stop();
      resolve(transfer);
    };
    const stop = queue.onChange(check);
    check();
  });
}

async function download(queue: TransferQueue, image: Image): Promise<Transfer> {
  const {
    transfers: [transfer],
  } = await queue.enqueueDownloads({
    profileId: 'cloud',
    imageIds: [image.id],
    folder,
  });
  if (transfer === undefined) throw new Error('nothing queued');
  return transfer;
}

function upload(queue: TransferQueue): Promise<Transfer> {
  return queue.enqueueUpload({
    profileId: 'cloud',
    sourcePath,
    create: { name: 'uploaded', disk_format: 'raw', container_format: 'bare' },
  });
}

/** A download that holds the only slot until the queue closes. */
async function blocker(queue: TransferQueue): Promise<Transfer> {
  const image = data.addImage('blocker', 4096);
  data.holdDownload(image.id, 1);
  return download(queue, image);
}

/** Brings a new transfer of `kind` into `state`, with a held download taking the slot. */
async function reach(
  queue: TransferQueue,
  kind: TransferKind,
  state: TransferState,
): Promise<Transfer> {
  const start = () =>
    kind === 'download' ? download(queue, data.addImage('subject', size)) : upload(queue);
  if (state === 'queued' || state === 'paused' || state === 'cancelled') {
    await blocker(queue);
    const { id } = await start();
    if (state === 'paused') await queue.pause(id);
    if (state === 'cancelled') await queue.cancel(id);
    return queue.get(id);
  }
  let transfer: Transfer;
  if (kind === 'download') {
    const image = data.addImage('subject', size);
    if (state === 'running') data.holdDownload(image.id, heldAt);
    if (state === 'retrying') data.refuseDownload(image.id, new AppError({ kind: 'network' }));
    if (state === 'failed') {
      data.breakDownload(image.id, heldAt, new AppError({ kind: 'forbidden', status: 403 }));
    }
    transfer = await download(queue, image);
  } else {
    if (state === 'running') data.uploadGate = new Gate();
    if (state === 'verifying') data.verifyGate = new Gate();
    if (state === 'failed') data.uploadError = new AppError({ kind: 'forbidden', status: 403 });
    transfer = await upload(queue);
  }
  await blocker(queue);
  return until(queue, transfer.id, (t) =>
    state === 'running' && kind === 'download'
      ? t.state === 'running' && t.bytesDone >= heldAt
      : t.state === state,
  );
}

async function act(queue: TransferQueue, id: string, action: TransferAction): Promise<void> {
  if (action === 'resume') queue.resume(id);
  else await queue[action](id);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const reachable: [TransferKind, TransferState][] = [
  // A download's check cannot be held by the fake (it hashes on disk); an upload never retries.
  ...(['queued', 'running', 'retrying', 'paused', 'done', 'failed', 'cancelled'] as const).map(
    (state): [TransferKind, TransferState] => ['download', state],
  ),
  ...(['queued', 'running', 'verifying', 'paused', 'done', 'failed', 'cancelled'] as const).map(
    (state): [TransferKind, TransferState] => ['upload', state],
  ),
];

describe.each(reachable)('%s, %s', (kind, state) => {
  it.each(transferActions)('%s: as the rules say', async (action) => {
    const queue = await openQueue();
    const before = await reach(queue, kind, state);
    expect(before.state).toBe(state);
    const part = `${before.path}.part`;
    const hadPart = kind === 'download' && before.path !== '' && (await exists(part));
    const emptyImage = data.images.get(before.imageId)?.image.status === 'queued';
    const outcome = actionOutcome(before, action);

    if (outcome === undefined) {
      await expect(act(queue, before.id, action)).rejects.toMatchObject({
        kind: 'conflict',
        details: { reason: 'action-not-allowed', state, action },
      });
      expect(queue.get(before.id).state).toBe(state);
      if (hadPart) expect(await exists(part)).toBe(true);
      return;
    }

    await act(queue, before.id, action);
    if (outcome.to === 'removed') {
      expect(queue.list().map((t) => t.id)).not.toContain(before.id);
    } else {
      expect(queue.get(before.id).state).toBe(outcome.to);
    }
    if (kind === 'download') {
      if (hadPart) expect(await exists(part)).toBe(outcome.leftovers === 'keep');
      if (state === 'done') expect(await exists(before.path)).toBe(true);
    } else if (before.imageId !== '') {
      // The image the upload created goes with it while still empty; a filled one stays.
      const kept = outcome.leftovers === 'keep' || !emptyImage;
      expect(data.images.has(before.imageId)).toBe(kept);
    }
  });
});

describe('the queue', () => {
  it('pause keeps the .part; resume asks for the rest only', async () => {
    const queue = await openQueue();
    const image = data.addImage('paused', size);
    data.holdDownload(image.id, heldAt);
    const { id } = await download(queue, image);
    await until(queue, id, (t) => t.bytesDone >= heldAt);
    await queue.pause(id);
    const paused = queue.get(id);
    expect(paused).toMatchObject({ state: 'paused', bytesDone: heldAt, rate: 0, etaSeconds: null });
    expect((await stat(`${paused.path}.part`)).size).toBe(heldAt);

    queue.resume(id);
    const done = await until(queue, id, (t) => t.state === 'done');
    expect(done.verification?.ok).toBe(true);
    expect(data.downloadOffsets.get(image.id)).toEqual([0, heldAt]);
    expect((await stat(done.path)).size).toBe(size);
  });

  it('cancel deletes the .part; a retry starts over under the same name', async () => {
    const queue = await openQueue();
    const image = data.addImage('cancelled', size);
    data.holdDownload(image.id, heldAt);
    const { id, path } = await download(queue, image);
    await until(queue, id, (t) => t.bytesDone >= heldAt);
    await queue.cancel(id);
    expect(await exists(`${path}.part`)).toBe(false);

    await queue.retry(id);
    const done = await until(queue, id, (t) => t.state === 'done');
    expect(done.path).toBe(path);
    expect(data.downloadOffsets.get(image.id)).toEqual([0, 0]);
  });

  it('an import the cloud does by itself does not wait for a transfer slot', async () => {
    const queue = await openQueue(); // one slot
    const image = data.addImage('held', size);
    data.holdDownload(image.id, heldAt);
    const held = await download(queue, image);
    await until(queue, held.id, (t) => t.bytesDone >= heldAt);
    const imported = await queue.enqueueImport({
      profileId: 'cloud',
      source: { method: 'web-download', url: 'https://images.example/disk.raw' },
      create: { name: 'from a URL', disk_format: 'raw', container_format: 'bare' },
    });
    // It ran (the fake cloud refuses imports) while the download still holds the slot.
    const ran = await until(queue, imported.id, (t) => t.state === 'failed');
    expect(ran.error).toMatchObject({ kind: 'unsupported' });
    expect(queue.get(held.id).state).toBe('running');
  });

  it('a removal reaches the listeners as one', async () => {
    const queue = await openQueue();
    const { id } = await download(queue, data.addImage('removed', 1024));
    await until(queue, id, (t) => t.state === 'done');
    const removal = new Promise<TransferProgressEvent>((resolve) => {
      queue.onChange((event) => {
        if (event.removed.length > 0) resolve(event);
      });
    });
    await queue.remove(id);
    expect(await removal).toEqual({ transfers: [], removed: [id] });
  });

  it('a full disk pauses the download with its .part and the error; resume finishes it', async () => {
    const queue = await openQueue();
    const image = data.addImage('full', size);
    data.breakDownload(image.id, heldAt, errnoError('ENOSPC'));
    const { id, path } = await download(queue, image);
    const paused = await until(queue, id, (t) => t.state === 'paused');
    expect(paused.error?.kind).toBe('filesystem');
    expect((await stat(`${path}.part`)).size).toBe(heldAt);

    queue.resume(id);
    const done = await until(queue, id, (t) => t.state === 'done');
    expect(done.error).toBeUndefined();
    expect(data.downloadOffsets.get(image.id)).toEqual([0, heldAt]);
  });

  it('after a restart, running transfers are queued again and resume; the rest stay as they were', async () => {
    const first = await openQueue();
    const finished = await download(first, data.addImage('finished', 1024));
    await until(first, finished.id, (t) => t.state === 'done');
    const running = data.addImage('running', size);
    data.holdDownload(running.id, heldAt);
    const { id: runningId } = await download(first, running);
    await until(first, runningId, (t) => t.bytesDone >= heldAt);
    const { id: pausedId } = await download(first, data.addImage('paused', size));
    await first.pause(pausedId);
    await first.close();
    const saved = JSON.parse(await readFile(join(dataDir, 'transfers.json'), 'utf8')) as {
      transfers: { transfer: Transfer }[];
    };
    expect(saved.transfers.map(({ transfer }) => [transfer.id, transfer.state])).toEqual([
      [finished.id, 'done'],
      [runningId, 'queued'],
      [pausedId, 'paused'],
    ]);

    const second = await openQueue();
    expect(second.list().map((t) => t.id)).toEqual([finished.id, runningId, pausedId]);
    const resumed = await until(second, runningId, (t) => t.state === 'done');
    expect(resumed.verification?.ok).toBe(true);
    expect(data.downloadOffsets.get(running.id)).toEqual([0, heldAt]);
    expect(second.get(pausedId).state).toBe('paused');
  });

  it('bad data fails the download and deletes the .part', async () => {
    const queue = await openQueue();
    const { id, path } = await download(queue, data.addImage('bad', size, 'wrong'));
    const failed = await until(queue, id, (t) => t.state === 'failed');
    expect(failed.error?.kind).toBe('integrity');
    expect(failed.verification).toMatchObject({ algorithm: 'sha512', ok: false });
    expect(await exists(`${path}.part`)).toBe(false);
  });

  it('an image that cannot be read is a failed transfer; a folder that cannot be written fails the call', async () => {
    const queue = await openQueue();
    const {
      transfers: [missing],
    } = await queue.enqueueDownloads({
      profileId: 'cloud',
      imageIds: ['no-such-image'],
      folder,
    });
    expect(missing).toMatchObject({ state: 'failed', error: { kind: 'not-found' } });
    await expect(
      queue.enqueueDownloads({
        profileId: 'cloud',
        imageIds: [data.addImage('nowhere', 10).id],
        folder: join(work, 'missing-folder'),
      }),
    ).rejects.toMatchObject({ kind: 'filesystem' });
    expect(queue.list()).toHaveLength(1);
  });

  it('an unknown id is not found', async () => {
    const queue = await openQueue();
    const gone = { kind: 'not-found', details: { reason: 'transfer-gone' } };
    await expect(queue.pause('nope')).rejects.toMatchObject(gone);
    expect(() => queue.resume('nope')).toThrow(expect.objectContaining(gone));
  });
});
