// The transfer queue against the real Glance (through the fault proxy where a download must
// be held mid-way): pause, resume, cancel, retry, restart, concurrency, the event stream,
// and uploads with verification.
import { randomUUID } from 'node:crypto';
import {
  open as openFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  isActive,
  isFinished,
  type Transfer,
  type TransferProgressEvent,
  type UploadRequest,
} from '../../../common/transfer';
import { TransferQueue, type TransferQueueOptions } from '../../../main/transfers/queue';
import { failure } from '../../support/app-error';
import { MiB, randomFile, sha512Of, useProxiedImage, type RandomFile } from './helpers';
import { canMountTmpfs, mountTmpfs, resizeTmpfs, unmount } from './mounts';

const bed = inject('testbed');
const fileRequest = /^GET \/v2\/images\/[^/]+\/file$/;
const uploadRequest = /^PUT \/v2\/images\/[^/]+\/file$/;

const fixture = useProxiedImage(bed, 104 * MiB, { name: 'queue test', disk_format: 'qcow2' });

let dataDir: string;
const queues: TransferQueue[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(fixture.work, 'data-'));
});
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
});

async function openQueue(options: Partial<TransferQueueOptions> = {}): Promise<TransferQueue> {
  const queue = await TransferQueue.open({
    dataDir,
    clientFor: async (profileId) => {
      expect(profileId).toBe('bed');
      return fixture.viaProxy;
    },
    retry: { maxRetries: 3, baseDelayMs: 50, maxDelayMs: 200 },
    stallTimeoutMs: 60_000,
    eventIntervalMs: 100,
    ...options,
  });
  queues.push(queue);
  return queue;
}

/** Resolves with the transfer once `predicate` holds for it (checked on every event). */
function waitFor(
  queue: TransferQueue,
  id: string,
  predicate: (transfer: Transfer) => boolean,
): Promise<Transfer> {
  return new Promise((resolve) => {
    const check = () => {
      const transfer = queue.get(id);
      if (!predicate(transfer)) return false;
      stop();
      resolve(transfer);
      return true;
    };
    const stop = queue.onChange(() => check());
    check();
  });
}

/** Queues one download of the test image. */
async function enqueueOne(queue: TransferQueue): Promise<Transfer> {
  const {
    transfers: [transfer],
  } = await queue.enqueueDownloads({
    profileId: 'bed',
    imageIds: [fixture.image.id],
    folder: fixture.folder,
  });
  if (transfer === undefined) throw new Error('nothing queued');
  return transfer;
}

/** Holds the next download of the image data after `afterBytes` (the proxy stalls it). */
function holdDownloadAt(afterBytes: number, times = 1): void {
  fixture.proxy.addRule({
    match: fileRequest,
    fault: { kind: 'stall', afterBytes, ms: 30_000 },
    times,
  });
}

/**
 * Queues one download of the test image, held by the proxy after `afterBytes`; resolves
 * once more than `afterBytes` - 1 MiB are on disk.
 */
async function downloadHeldAt(queue: TransferQueue, afterBytes: number): Promise<Transfer> {
  holdDownloadAt(afterBytes);
  const transfer = await enqueueOne(queue);
  return waitFor(queue, transfer.id, (x) => x.bytesDone > afterBytes - MiB);
}

async function expectVerifiedFile(transfer: Transfer): Promise<void> {
  expect(transfer.error).toBeUndefined();
  expect(transfer.state).toBe('done');
  expect(transfer.verification).toEqual({
    algorithm: 'sha512',
    expected: fixture.source.sha512,
    actual: fixture.source.sha512,
    ok: true,
  });
  expect(transfer.bytesDone).toBe(fixture.source.size);
  expect(await sha512Of(transfer.path)).toBe(fixture.source.sha512);
}

describe('downloads in the queue', () => {
  it('downloads, verifies, and reports progress through one throttled event stream', async () => {
    const queue = await openQueue({ eventIntervalMs: 250 });
    const events: { at: number; event: TransferProgressEvent }[] = [];
    queue.onChange((event) => events.push({ at: Date.now(), event }));
    const queued = await enqueueOne(queue);
    expect(queued).toMatchObject({
      kind: 'download',
      state: 'queued',
      imageName: 'queue test',
      path: join(fixture.folder, 'queue test.qcow2'),
      bytesTotal: fixture.source.size,
    });
    const done = await waitFor(queue, queued.id, isFinished);
    await expectVerifiedFile(done);
    expect(await readdir(fixture.folder)).toEqual(['queue test.qcow2']);

    const states = events.flatMap((e) => e.event.transfers.map((t) => t.state));
    // Events carry the latest state of what changed: short-lived states may be skipped.
    expect(states[0]).toMatch(/queued|running/);
    expect(states.at(-1)).toBe('done');
    events.slice(1).forEach((e, i) => {
      expect(e.at - (events[i]?.at ?? 0)).toBeGreaterThanOrEqual(245);
    });
  });

  it('pause keeps the .part and resume finishes it from there', async () => {
    const queue = await openQueue();
    const t = await downloadHeldAt(queue, 30 * MiB);
    await queue.pause(t.id);
    expect(queue.get(t.id).state).toBe('paused');
    expect(await readdir(fixture.folder)).toEqual(['queue test.qcow2.part']);
    const kept = (await stat(join(fixture.folder, 'queue test.qcow2.part'))).size;
    expect(kept).toBeGreaterThan(29 * MiB);

    queue.resume(t.id);
    const done = await waitFor(queue, t.id, isFinished);
    await expectVerifiedFile(done);
    const ranges = fixture.proxy.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith('/file'),
    );
    expect(ranges.map((r) => r.headers.range)).toEqual([undefined, `bytes=${kept}-`]);
  });

  it('cancel removes the .part and leaves no file', async () => {
    const queue = await openQueue();
    const t = await downloadHeldAt(queue, 20 * MiB);
    await queue.cancel(t.id);
    expect(queue.get(t.id).state).toBe('cancelled');
    expect(await readdir(fixture.folder)).toEqual([]);

    // Retry after a cancel starts again from nothing, under the same name.
    await queue.retry(t.id);
    const done = await waitFor(queue, t.id, isFinished);
    await expectVerifiedFile(done);
    expect(done.path).toBe(join(fixture.folder, 'queue test.qcow2'));
  });

  it('runs at most `concurrency` at once; a queued one can be cancelled before it starts', async () => {
    const queue = await openQueue({ concurrency: 2 });
    holdDownloadAt(5 * MiB, 2);
    const { transfers } = await queue.enqueueDownloads({
      profileId: 'bed',
      imageIds: [fixture.image.id, fixture.image.id, fixture.image.id],
      folder: fixture.folder,
    });
    expect(transfers.map((t) => t.path)).toEqual([
      join(fixture.folder, 'queue test.qcow2'),
      join(fixture.folder, 'queue test (2).qcow2'),
      join(fixture.folder, 'queue test (3).qcow2'),
    ]);
    const [first = '', second = '', third = ''] = transfers.map((t) => t.id);
    await waitFor(queue, first, (x) => x.bytesDone > 4 * MiB);
    await waitFor(queue, second, (x) => x.bytesDone > 4 * MiB);
    expect(queue.get(third).state).toBe('queued');
    await queue.cancel(third);
    expect(await readdir(fixture.folder)).not.toContain('queue test (3).qcow2.part');
    await queue.cancel(first);
    await queue.cancel(second);
    expect(await readdir(fixture.folder)).toEqual([]);
    expect(queue.list().map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('resumes after a restart from the persisted list and the .part', async () => {
    const first = await openQueue();
    const t = await downloadHeldAt(first, 40 * MiB);
    await first.close(); // the app quits mid-download

    const saved = JSON.parse(await readFile(join(dataDir, 'transfers.json'), 'utf8')) as {
      transfers: { transfer: Transfer; plan: { partPath: string } }[];
    };
    expect(saved.transfers.map((s) => s.transfer.state)).toEqual(['queued']);
    const partPath = saved.transfers[0]?.plan.partPath ?? '';
    const kept = (await stat(partPath)).size;
    expect(kept).toBeGreaterThan(39 * MiB);

    fixture.proxy.requests.length = 0;
    const second = await openQueue();
    expect(second.list().map((x) => x.id)).toEqual([t.id]);
    const done = await waitFor(second, t.id, isFinished);
    await expectVerifiedFile(done);
    const resumed = fixture.proxy.requests.find(
      (r) => r.method === 'GET' && r.path.endsWith('/file'),
    );
    expect(resumed?.headers.range).toBe(`bytes=${kept}-`);
  });

  it('a paused transfer comes back paused after a restart', async () => {
    const first = await openQueue();
    const t = await downloadHeldAt(first, 10 * MiB);
    await first.pause(t.id);
    await first.close();
    const second = await openQueue();
    expect(second.get(t.id).state).toBe('paused');
    second.resume(t.id);
    await expectVerifiedFile(await waitFor(second, t.id, isFinished));
  });

  it('re-hashes the .part on resume, so bytes corrupted on disk are caught', async () => {
    const first = await openQueue();
    const t = await downloadHeldAt(first, 30 * MiB);
    await first.close();
    const part = await openFile(join(fixture.folder, 'queue test.qcow2.part'), 'r+');
    await part.write(Buffer.from('corrupted'), 0, 9, 1000);
    await part.close();

    const second = await openQueue();
    const failed = await waitFor(second, t.id, isFinished);
    expect(failed.state).toBe('failed');
    expect(failed.error?.kind).toBe('integrity');
    expect(failed.verification).toMatchObject({ expected: fixture.source.sha512, ok: false });
    expect(await readdir(fixture.folder)).toEqual([]);
  });

  it('an image that cannot be read becomes a failed transfer saying why', async () => {
    const queue = await openQueue();
    const {
      transfers: [t],
    } = await queue.enqueueDownloads({
      profileId: 'bed',
      imageIds: ['00000000-0000-4000-8000-000000000000'],
      folder: fixture.folder,
    });
    expect(t?.state).toBe('failed');
    expect(t?.error?.kind).toBe('not-found');
    expect(await readdir(fixture.folder)).toEqual([]);
  });

  it('queues a batch in order: copies of one name numbered as listed, a missing image failed', async () => {
    const queue = await openQueue();
    const missing = '00000000-0000-4000-8000-000000000000';
    const { transfers: queued } = await queue.enqueueDownloads({
      profileId: 'bed',
      imageIds: [fixture.image.id, missing, fixture.image.id],
      folder: fixture.folder,
    });
    expect(queued.map((t) => [t.imageId, t.state, t.path])).toEqual([
      [fixture.image.id, 'queued', join(fixture.folder, 'queue test.qcow2')],
      [missing, 'failed', ''],
      [fixture.image.id, 'queued', join(fixture.folder, 'queue test (2).qcow2')],
    ]);
    expect(queued[1]?.error?.kind).toBe('not-found');
    for (const t of [queued[0], queued[2]]) {
      await expectVerifiedFile(await waitFor(queue, t?.id ?? '', isFinished));
    }
  });

  it.skipIf(!canMountTmpfs)(
    'a full disk pauses the download with its .part and the space needed; resume finishes it',
    async () => {
      const mountPoint = join(fixture.folder, 'mnt');
      await mkdir(mountPoint);
      mountTmpfs(mountPoint, '24m');
      try {
        const first = await openQueue();
        const {
          transfers: [queued],
        } = await first.enqueueDownloads({
          profileId: 'bed',
          imageIds: [fixture.image.id],
          folder: mountPoint,
        });
        const id = queued?.id ?? '';
        const paused = await waitFor(first, id, (x) => x.state !== 'queued' && !isActive(x));
        expect(paused.state).toBe('paused');
        const partPath = join(mountPoint, 'queue test.qcow2.part');
        const kept = (await stat(partPath)).size;
        expect(kept).toBeGreaterThan(20 * MiB);
        expect(paused.error).toMatchObject({
          kind: 'filesystem',
          details: {
            reason: 'disk-full',
            quota: false,
            bytesNeeded: fixture.source.size - kept,
          },
        });
        await first.close();

        // It stays paused, saying why, across a restart; freeing space and resuming finishes it.
        const second = await openQueue();
        expect(second.get(id)).toMatchObject({ state: 'paused', error: paused.error });
        resizeTmpfs(mountPoint, '128m');
        fixture.proxy.requests.length = 0;
        second.resume(id);
        await expectVerifiedFile(await waitFor(second, id, isFinished));
        const ranges = fixture.proxy.requests.filter((r) => fileRequest.test(`GET ${r.path}`));
        expect(ranges.map((r) => r.headers.range)).toEqual([`bytes=${kept}-`]);
        await second.close();
      } finally {
        unmount(mountPoint);
      }
    },
  );

  it('sets a corrupt list file aside and starts empty', async () => {
    await writeFile(join(dataDir, 'transfers.json'), '{"version": 1, "transfers": [');
    const queue = await openQueue();
    expect(queue.list()).toEqual([]);
    expect((await readdir(dataDir)).some((f) => f.startsWith('transfers.json.corrupt-'))).toBe(
      true,
    );
  });
});

describe('uploads in the queue', () => {
  let upload: RandomFile;
  beforeAll(async () => {
    upload = await randomFile(join(fixture.work, 'upload.bin'), 24 * MiB);
  });

  async function track(id: string) {
    const image = await fixture.adminGlance.getImage(id);
    fixture.track(image.id);
    return image;
  }

  /** Uploads the 24 MiB file (or `sourcePath`) into `into`; resolves once the transfer ends. */
  async function uploadTo(
    queue: TransferQueue,
    into: Pick<UploadRequest, 'imageId' | 'create'>,
    sourcePath = upload.path,
  ): Promise<Transfer> {
    const t = await queue.enqueueUpload({ profileId: 'bed', sourcePath, ...into });
    return waitFor(queue, t.id, isFinished);
  }

  it('creates an image and uploads into it with progress, verified against Glance', async () => {
    const queue = await openQueue();
    const seen: number[] = [];
    queue.onChange((e) => seen.push(...e.transfers.map((t) => t.bytesDone)));
    const done = await uploadTo(queue, {
      create: { name: 'uploaded 上传', disk_format: 'raw', container_format: 'bare' },
    });
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ state: 'done', bytesDone: upload.size, bytesTotal: upload.size });
    expect(done.verification).toEqual({
      algorithm: 'sha512',
      expected: upload.sha512,
      actual: upload.sha512,
      ok: true,
    });
    expect(seen.at(-1)).toBe(upload.size);
    const stored = await track(done.imageId);
    expect(stored).toMatchObject({ status: 'active', size: upload.size, checksum: upload.md5 });
  });

  /** A new image without data (queued), deleted when the file ends. */
  async function emptyImage(name: string) {
    const image = await fixture.adminGlance.createImage({
      name,
      disk_format: 'raw',
      container_format: 'bare',
    });
    fixture.track(image.id);
    return image;
  }

  it('uploads into an existing queued image', async () => {
    const target = await emptyImage('empty target');
    const queue = await openQueue();
    const done = await uploadTo(queue, { imageId: target.id });
    expect(done.state).toBe('done');
    expect(done.verification?.ok).toBe(true);
    expect((await fixture.adminGlance.getImage(target.id)).os_hash_value).toBe(upload.sha512);
  });

  it('an image that already has data fails clearly', async () => {
    const queue = await openQueue();
    const failed = await uploadTo(queue, { imageId: fixture.image.id });
    expect(failed.state).toBe('failed');
    expect(failed.error?.kind).toBe('conflict');
    expect(failed.error?.details).toEqual({ reason: 'data-exists', imageStatus: 'active' });
  });

  it('a cut upload says the image is back in queued, and a retry completes it', async () => {
    const queue = await openQueue();
    fixture.proxy.addRule({
      match: uploadRequest,
      fault: { kind: 'cut-upload', afterBytes: 8 * MiB },
    });
    const failed = await uploadTo(queue, {
      create: { name: 'cut upload', disk_format: 'raw', container_format: 'bare' },
    });
    expect(failed.state).toBe('failed');
    expect(failed.error?.kind).toBe('network');
    expect(failed.error?.details).toMatchObject({ reason: 'upload-failed', imageStatus: 'queued' });
    fixture.track(failed.imageId);

    await queue.retry(failed.id);
    const done = await waitFor(queue, failed.id, isFinished);
    expect(done.state).toBe('done');
    expect(done.imageId).toBe(failed.imageId); // the same image, not a second one
    expect(done.verification?.ok).toBe(true);
  });

  /** Queues an upload that the proxy holds after 4 MiB; resolves once those are sent. */
  async function uploadHeld(
    queue: TransferQueue,
    into: Pick<UploadRequest, 'imageId' | 'create'>,
  ): Promise<Transfer> {
    fixture.proxy.addRule({
      match: uploadRequest,
      fault: { kind: 'stall-upload', afterBytes: 4 * MiB, ms: 30_000 },
    });
    const t = await queue.enqueueUpload({ profileId: 'bed', sourcePath: upload.path, ...into });
    return waitFor(queue, t.id, (x) => x.imageId !== '' && x.bytesDone >= 4 * MiB);
  }

  it('cancel deletes the image the upload created, while empty; a retry creates a new one', async () => {
    const queue = await openQueue();
    const held = await uploadHeld(queue, {
      create: { name: 'cancelled upload', disk_format: 'raw', container_format: 'bare' },
    });
    fixture.track(held.imageId);
    await queue.cancel(held.id);
    expect(queue.get(held.id)).toMatchObject({ state: 'cancelled', imageId: '' });
    await failure(fixture.adminGlance.getImage(held.imageId), 'not-found');

    await queue.retry(held.id);
    const done = await waitFor(queue, held.id, isFinished);
    expect(done.state).toBe('done');
    expect(done.imageId).not.toBe(held.imageId);
    expect((await track(done.imageId)).os_hash_value).toBe(upload.sha512);
  });

  it('cancel keeps a new image whose id the user chose (Glance never reuses an id)', async () => {
    const queue = await openQueue();
    const id = randomUUID();
    const held = await uploadHeld(queue, {
      create: { id, name: 'chosen id', disk_format: 'raw', container_format: 'bare' },
    });
    fixture.track(id);
    await queue.cancel(held.id);
    expect(queue.get(held.id)).toMatchObject({ state: 'cancelled', imageId: id });
    await expect
      .poll(async () => (await fixture.adminGlance.getImage(id)).status, { timeout: 10_000 })
      .toBe('queued');
  });

  it('cancel keeps an existing image the user chose to upload into', async () => {
    const target = await emptyImage('chosen target');
    const queue = await openQueue();
    const held = await uploadHeld(queue, { imageId: target.id });
    await queue.cancel(held.id);
    expect(queue.get(held.id)).toMatchObject({ state: 'cancelled', imageId: target.id });
    await expect
      .poll(async () => (await fixture.adminGlance.getImage(target.id)).status, { timeout: 10_000 })
      .toBe('queued');
  });

  it('a missing source file is a filesystem error', async () => {
    const queue = await openQueue();
    const failed = await uploadTo(
      queue,
      { create: { name: 'never created' } },
      join(fixture.work, 'nope.qcow2'),
    );
    expect(failed.error).toMatchObject({
      kind: 'filesystem',
      details: { reason: 'path-missing' },
    });
  });
});
