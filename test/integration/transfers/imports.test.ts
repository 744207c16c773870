// Interoperable import and stores through `dispatch`, against the real two-store Glance
// (stores `local`, the default, and `cold`): glance-direct with a cut during staging and its
// retry, import into a chosen store, copy-image into the second store, a failed
// web-download with its task's message, a restart while the cloud imports, glance-download
// of an image from the second Glance (RegionTwo), and removing an image's data from one store.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Transfer, TransferState } from '../../../common/transfer';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from '../ipc/harness';
import { MiB, randomFile } from './helpers';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);
const raw = (name: string) => ({
  name: `${runId}-${name}`,
  disk_format: 'raw',
  container_format: 'bare',
});

let main: TestMain;
let proxy: FaultProxy;
let memberId: string;
let adminId: string;
let viaProxyId: string;
let regionTwoId: string;
const created: { imageId: string }[] = [];
const createdInRegionTwo: { imageId: string }[] = [];

beforeAll(async () => {
  main = await startTestMain();
  proxy = await startFaultProxy(bed.glanceUrl);
  const save = async (profile: ReturnType<typeof passwordProfile>) =>
    (await main.value('saveProfile', { profile })).id;
  memberId = await save(passwordProfile(bed, bed.member));
  adminId = await save(passwordProfile(bed, bed.admin, { name: 'admin' }));
  viaProxyId = await save(
    passwordProfile(bed, bed.member, { name: 'via proxy', imageEndpoint: proxy.url }),
  );
  regionTwoId = await save(
    passwordProfile(bed, bed.member, { name: 'RegionTwo', region: bed.second.region }),
  );
});

afterAll(async () => {
  const imageIds = created.map(({ imageId }) => imageId);
  if (imageIds.length > 0) await main.call('deleteImages', { profileId: adminId, imageIds });
  const secondIds = createdInRegionTwo.map(({ imageId }) => imageId);
  if (secondIds.length > 0) {
    await main.call('deleteImages', { profileId: regionTwoId, imageIds: secondIds });
  }
  await main?.close();
  await proxy?.close();
});

/** Every state and byte count the transfer reports, in order, while `run` goes on. */
function recordStates(id: string): { states: TransferState[]; bytes: number[]; stop: () => void } {
  const states: TransferState[] = [];
  const bytes: number[] = [];
  const stop = main.services.transfers.onChange(({ transfers }) => {
    for (const transfer of transfers.filter((t) => t.id === id)) {
      if (states.at(-1) !== transfer.state) states.push(transfer.state);
      bytes.push(transfer.bytesDone);
    }
  });
  return { states, bytes, stop };
}

const track = (transfer: Transfer) => {
  if (transfer.imageId) created.push({ imageId: transfer.imageId });
  return transfer;
};

/** A local web server for web-download: 404 for anything but `/disk.raw`, which it serves. */
async function webServer(
  serve: (response: import('node:http').ServerResponse) => void,
): Promise<{ server: Server; url: (path: string) => string }> {
  const server = createServer((request, response) => {
    if (request.url !== '/disk.raw') {
      response.statusCode = 404;
      response.end('not here');
      return;
    }
    serve(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: (path) => `http://127.0.0.1:${port}${path}` };
}

describe('glance-direct', () => {
  it('stages with progress, survives a cut during staging, and imports into the chosen store', async () => {
    // Big enough that staging it takes several progress events, beyond the sockets' buffers.
    const file = await randomFile(join(tempFolder('stage'), 'disk.raw'), 48 * MiB);
    await main.pick('image', file.path);
    proxy.addRule({
      match: /^PUT \/v2\/images\/[^/]+\/stage$/,
      fault: { kind: 'cut-upload', afterBytes: MiB },
    });
    const started = await main.value('startImport', {
      profileId: viaProxyId,
      source: { method: 'glance-direct', path: file.path },
      create: raw('staged'),
      stores: ['cold'],
    });
    const seen = recordStates(started.id);
    expect(started).toMatchObject({
      kind: 'import',
      state: 'queued',
      path: file.path,
      import: { method: 'glance-direct', stores: ['cold'], importing: [], failed: [] },
    });

    const cut = track(await waitForTransfer(main, started.id));
    expect(cut).toMatchObject({
      state: 'failed',
      error: { kind: 'network', details: { reason: 'upload-failed', imageStatus: 'queued' } },
    });

    // Retried, the file goes into the same image, and the cloud imports it.
    await main.value('controlTransfer', { id: started.id, action: 'retry' });
    const done = await waitForTransfer(main, started.id);
    seen.stop();
    expect(seen.bytes.some((bytes) => bytes > 0 && bytes < file.size)).toBe(true);
    expect(done).toMatchObject({
      state: 'done',
      imageId: cut.imageId,
      bytesDone: file.size,
      verification: { algorithm: 'sha512', expected: file.sha512, ok: true },
      import: { method: 'glance-direct', stores: ['cold'], importing: [], failed: [] },
    });
    // Events are throttled, so a short state may be missed; these are not.
    expect(seen.states.slice(seen.states.lastIndexOf('failed'))).toEqual(
      expect.arrayContaining(['failed', 'importing', 'done']),
    );
    expect(seen.states.indexOf('importing')).toBeLessThan(seen.states.indexOf('done'));
    const image = await main.value('getImage', { profileId: memberId, imageId: done.imageId });
    expect(image).toMatchObject({ status: 'active', stores: 'cold', size: file.size });
    const stages = proxy.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/stage'));
    expect(stages.map((r) => r.fault)).toEqual(['cut-upload', null]);
  });

  it('refuses a store the cloud does not have, and a method it does not offer', async () => {
    const file = await randomFile(join(tempFolder('stage'), 'disk.raw'), 4096);
    await main.pick('image', file.path);
    const source = { method: 'glance-direct', path: file.path } as const;
    expect(
      await main.call('startImport', {
        profileId: memberId,
        source,
        create: raw('nowhere'),
        stores: ['tape'],
      }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'validation', details: { reason: 'unknown-store', store: 'tape' } },
    });
    // RegionTwo's Glance offers only Debian's default methods.
    expect(
      await main.call('startImport', {
        profileId: regionTwoId,
        source: { method: 'glance-download', region: bed.region, imageId: randomUUID() },
        create: raw('other region'),
      }),
    ).toMatchObject({
      ok: false,
      error: {
        kind: 'unsupported',
        details: {
          reason: 'method-not-offered',
          method: 'glance-download',
          offered: ['glance-direct', 'web-download', 'copy-image'],
        },
      },
    });
  });
});

describe('cancelling a glance-direct import once its file is staged', () => {
  /**
   * Starts a glance-direct import through the proxy whose stage answer the proxy holds back:
   * Glance has the whole file staged (the image is `uploading`, with its size), the app has
   * not heard so and has not asked for the import. Resolves then.
   */
  async function stagedNotImported(
    into: { create: ReturnType<typeof raw> } | { imageId: string },
  ): Promise<{
    transfer: Transfer;
    imageId: string;
    file: Awaited<ReturnType<typeof randomFile>>;
  }> {
    const file = await randomFile(join(tempFolder('cancel'), 'disk.raw'), 2 * MiB);
    await main.pick('image', file.path);
    proxy.addRule({
      match: /^PUT \/v2\/images\/[^/]+\/stage$/,
      fault: { kind: 'stall', afterBytes: 0, ms: 30_000 },
    });
    const transfer = await main.value('startImport', {
      profileId: viaProxyId,
      source: { method: 'glance-direct', path: file.path },
      ...into,
    });
    const staging = await waitForTransfer(main, transfer.id, ['running']);
    await expect
      .poll(() => main.services.transfers.get(transfer.id).imageId, { timeout: 30_000 })
      .not.toBe('');
    const imageId = main.services.transfers.get(transfer.id).imageId;
    await expect
      .poll(
        async () => {
          const { status, size } = await main.value('getImage', { profileId: memberId, imageId });
          return { status, size };
        },
        { timeout: 60_000, interval: 250 },
      )
      .toEqual({ status: 'uploading', size: file.size });
    return { transfer: staging, imageId, file };
  }

  const importCalls = (imageId: string) =>
    proxy.requests.filter((r) => r.method === 'POST' && r.path === `/v2/images/${imageId}/import`);

  it('deletes the image the import created: it is gone, staged file and all', async () => {
    const { transfer, imageId } = await stagedNotImported({ create: raw('cancelled, deleted') });
    await main.value('controlTransfer', { id: transfer.id, action: 'cancel' });
    expect(await waitForTransfer(main, transfer.id)).toMatchObject({
      state: 'cancelled',
      imageId: '',
    });
    expect(await main.call('getImage', { profileId: memberId, imageId })).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
    expect(importCalls(imageId)).toEqual([]);
    expect(existsSync(join(bed.dir, 'data', 'glance', 'staging', imageId))).toBe(false);
  });

  it('keeps an image the user had: the cloud imports the staged file, never left uploading', async () => {
    const image = await main.value('createImage', {
      profileId: memberId,
      fields: raw('cancelled, kept'),
    });
    created.push({ imageId: image.id });
    const { transfer, file } = await stagedNotImported({ imageId: image.id });
    await main.value('controlTransfer', { id: transfer.id, action: 'cancel' });
    expect(await waitForTransfer(main, transfer.id)).toMatchObject({
      state: 'cancelled',
      imageId: image.id,
    });
    const status = async () =>
      (await main.value('getImage', { profileId: memberId, imageId: image.id })).status;
    await expect.poll(status, { timeout: 60_000, interval: 250 }).toBe('active');
    expect(await main.value('getImage', { profileId: memberId, imageId: image.id })).toMatchObject({
      checksum: file.md5,
      size: file.size,
    });
  });

  it('keeps the new image when asked to: it too ends active, not uploading', async () => {
    const { transfer, imageId, file } = await stagedNotImported({ create: raw('asked to keep') });
    created.push({ imageId });
    await main.value('controlTransfer', { id: transfer.id, action: 'cancel', keepTarget: true });
    expect(await waitForTransfer(main, transfer.id)).toMatchObject({ state: 'cancelled', imageId });
    const image = async () => main.value('getImage', { profileId: memberId, imageId });
    await expect
      .poll(async () => (await image()).status, { timeout: 60_000, interval: 250 })
      .toBe('active');
    expect(await image()).toMatchObject({ checksum: file.md5 });
  });
});

describe('stores', () => {
  it('uploads with PUT /file into a chosen store', async () => {
    const file = await randomFile(join(tempFolder('upload'), 'disk.raw'), 64 * 1024);
    await main.pick('image', file.path);
    const started = await main.value('startUpload', {
      profileId: memberId,
      path: file.path,
      create: raw('into cold'),
      store: 'cold',
    });
    const done = track(await waitForTransfer(main, started.id));
    expect(done).toMatchObject({ state: 'done', verification: { ok: true } });
    const image = await main.value('getImage', { profileId: memberId, imageId: done.imageId });
    expect(image.stores).toBe('cold');
  });

  it('copies an image into the second store (admin), then removes it from one store', async () => {
    const file = await randomFile(join(tempFolder('copy'), 'disk.raw'), 2 * MiB);
    await main.pick('image', file.path);
    const uploaded = track(
      await waitForTransfer(
        main,
        (
          await main.value('startUpload', {
            profileId: adminId,
            path: file.path,
            // Public, so that the member sees it too.
            create: { ...raw('copied'), visibility: 'public' },
          })
        ).id,
      ),
    );
    const imageId = uploaded.imageId;
    expect(uploaded).toMatchObject({ state: 'done' });
    expect((await main.value('getImage', { profileId: adminId, imageId })).stores).toBe('local');

    // The member may not copy (Glance's default policy): the cloud's refusal, in words.
    const refused = await main.value('startImport', {
      profileId: memberId,
      source: { method: 'copy-image' },
      imageId,
      stores: ['cold'],
    });
    expect(await waitForTransfer(main, refused.id)).toMatchObject({
      state: 'failed',
      error: { kind: 'forbidden', details: { reason: 'import-refused', method: 'copy-image' } },
    });
    // A store that already has the data is refused before anything is sent.
    expect(
      await main.call('startImport', {
        profileId: adminId,
        source: { method: 'copy-image' },
        imageId,
        stores: ['local'],
      }),
    ).toMatchObject({
      ok: false,
      error: { details: { reason: 'already-in-store', store: 'local' } },
    });

    const copy = await main.value('startImport', {
      profileId: adminId,
      source: { method: 'copy-image' },
      imageId,
      stores: ['cold'],
    });
    expect(copy).toMatchObject({ kind: 'import', imageId, path: '' });
    expect(await waitForTransfer(main, copy.id)).toMatchObject({
      state: 'done',
      // Named after the image once it is read, not after its ID.
      imageName: `${runId}-copied`,
      import: { method: 'copy-image', stores: ['cold'], importing: [], failed: [] },
    });
    const copied = await main.value('getImage', { profileId: adminId, imageId });
    expect(copied.stores?.split(',').toSorted()).toEqual(['cold', 'local']);

    const removed = await main.value('removeImageFromStore', {
      profileId: adminId,
      imageId,
      store: 'cold',
    });
    expect(removed.stores).toBe('local');
    expect(
      await main.call('removeImageFromStore', { profileId: adminId, imageId, store: 'local' }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'conflict', details: { reason: 'last-store', store: 'local' } },
    });
    expect(
      await main.call('removeImageFromStore', { profileId: adminId, imageId, store: 'cold' }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'validation', details: { reason: 'not-in-store', store: 'cold' } },
    });
    // The data is still there, in the one store.
    const after = await main.value('getImage', { profileId: adminId, imageId });
    expect(after).toMatchObject({ status: 'active', stores: 'local', os_hash_value: file.sha512 });
  });
});

describe('glance-download', () => {
  it('offers the catalog’s other image region, and imports an image from it', async () => {
    expect(await main.value('getImportOptions', { profileId: memberId })).toMatchObject({
      methods: ['glance-direct', 'web-download', 'copy-image', 'glance-download'],
      regions: [bed.second.region],
    });
    // RegionTwo does not offer it: no regions are asked for.
    expect(await main.value('getImportOptions', { profileId: regionTwoId })).not.toHaveProperty(
      'regions',
    );

    const file = await randomFile(join(tempFolder('regions'), 'disk.raw'), 3 * MiB);
    await main.pick('image', file.path);
    const there = await waitForTransfer(
      main,
      (
        await main.value('startUpload', {
          profileId: regionTwoId,
          path: file.path,
          create: { ...raw('in RegionTwo'), properties: { os_distro: 'debian' } },
        })
      ).id,
    );
    createdInRegionTwo.push({ imageId: there.imageId });
    expect(there).toMatchObject({ state: 'done' });

    // The formats asked for here give way to the source image's.
    const started = await main.value('startImport', {
      profileId: memberId,
      source: { method: 'glance-download', region: bed.second.region, imageId: there.imageId },
      create: { ...raw('from RegionTwo'), disk_format: 'qcow2', container_format: 'ovf' },
    });
    expect(started).toMatchObject({
      kind: 'import',
      path: '',
      import: { method: 'glance-download' },
    });
    const done = track(await waitForTransfer(main, started.id));
    expect(done).toMatchObject({
      state: 'done',
      bytesDone: file.size,
      import: { method: 'glance-download', importing: [], failed: [] },
    });
    expect(done.imageId).not.toBe(there.imageId);
    const image = await main.value('getImage', { profileId: memberId, imageId: done.imageId });
    expect(image).toMatchObject({
      status: 'active',
      checksum: file.md5,
      os_hash_value: file.sha512,
      size: file.size,
      disk_format: 'raw',
      container_format: 'bare',
      stores: 'local',
      // Glance copies hw_*, os_distro and a few more from the source image.
      properties: { os_distro: 'debian' },
    });
  });

  it('refuses a region the catalog lists no image service in, before anything is created', async () => {
    const name = raw('from nowhere');
    expect(
      await main.call('startImport', {
        profileId: memberId,
        source: { method: 'glance-download', region: 'RegionNine', imageId: randomUUID() },
        create: name,
      }),
    ).toMatchObject({
      ok: false,
      error: {
        kind: 'validation',
        details: {
          reason: 'no-image-endpoint',
          region: 'RegionNine',
          available: [`public (${bed.second.region})`],
        },
      },
    });
    const listed = await main.value('listImages', {
      profileId: memberId,
      query: { name: name.name },
    });
    expect(listed.images).toEqual([]);
  });

  it('fails with the task’s message when the image is not in the other region', async () => {
    const started = await main.value('startImport', {
      profileId: memberId,
      source: { method: 'glance-download', region: bed.second.region, imageId: randomUUID() },
      create: raw('missing there'),
    });
    expect(track(await waitForTransfer(main, started.id))).toMatchObject({
      state: 'failed',
      error: {
        kind: 'server',
        details: { reason: 'import-failed', method: 'glance-download', imageStatus: 'queued' },
      },
    });
  });
});

describe('web-download', () => {
  it('fails with the task’s message when the URL answers 404', async () => {
    const web = await webServer((response) => response.end('never asked'));
    try {
      const started = await main.value('startImport', {
        profileId: memberId,
        source: { method: 'web-download', url: web.url('/missing.raw') },
        create: raw('missing'),
      });
      const failed = track(await waitForTransfer(main, started.id));
      expect(failed).toMatchObject({
        state: 'failed',
        path: web.url('/missing.raw'),
        import: { method: 'web-download', failed: ['local'] },
        error: {
          kind: 'server',
          details: {
            reason: 'import-failed',
            method: 'web-download',
            failed: ['local'],
            imageStatus: 'queued',
            taskMessage: 'Task failed due to Internal Error',
          },
        },
      });
    } finally {
      web.server.close();
    }
  });

  it('goes on following the import after a restart', async () => {
    const data = randomBytes(3 * MiB);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const requested = new Promise<void>((resolve) => (asked = resolve));
    const web = await webServer((response) => {
      asked();
      response.setHeader('content-length', data.length);
      response.write(data.subarray(0, MiB));
      void released.then(() => response.end(data.subarray(MiB)));
    });
    const secretKey = randomBytes(32);
    const dataDir = tempFolder('restart');
    let first: TestMain | undefined = await startTestMain({ dataDir, secretKey });
    let second: TestMain | undefined;
    try {
      const profileId = (
        await first.value('saveProfile', { profile: passwordProfile(bed, bed.member) })
      ).id;
      const started = await first.value('startImport', {
        profileId,
        source: { method: 'web-download', url: web.url('/disk.raw') },
        create: raw('restarted'),
      });
      await waitForTransfer(first, started.id, ['importing']);
      await requested;
      await first.services.close();
      first = undefined;

      second = await startTestMain({ dataDir, secretKey });
      const [back] = await second.value('listTransfers');
      expect(back).toMatchObject({ id: started.id, kind: 'import' });
      await waitForTransfer(second, started.id, ['importing']);
      release();
      const done = track(await waitForTransfer(second, started.id));
      expect(done).toMatchObject({ state: 'done', bytesDone: data.length });
      const image = await second.value('getImage', { profileId, imageId: done.imageId });
      expect(image).toMatchObject({ status: 'active', size: data.length, stores: 'local' });
    } finally {
      release();
      web.server.close();
      await first?.services.close();
      await second?.close();
    }
  });
});
