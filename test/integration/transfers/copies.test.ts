// Copies between clouds through dispatch, against the test bed's two real Glances (RegionOne
// → RegionTwo, the same user), with a fault proxy in front of each: metadata carried over,
// images already there, a cut source (resumed with Range into the open upload), a cut
// upload (started over into the same image), bad bytes, cancel, and a restart of the app.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CopyPreview } from '../../../common/copy';
import type { ImageCreate } from '../../../common/image';
import type { Transfer, TransferState } from '../../../common/transfer';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { glanceAs } from '../../testbed/rest';
import { uploadImage, type GlanceImage } from '../../testbed/seed';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from '../ipc/harness';
import { MiB, sha512Of } from './helpers';

const bed = inject('testbed');
const run = randomUUID().slice(0, 8);
const regionTwo = { ...bed, ...bed.second };
const glanceOne = glanceAs(bed, bed.member);
const glanceTwo = glanceAs(bed, bed.member, bed.second.glanceUrl);
const fileRequest = /^GET \/v2\/images\/[^/]+\/file$/;
const uploadRequest = /^PUT \/v2\/images\/[^/]+\/file$/;
const size = 24 * MiB;

let main: TestMain;
let proxyOne: FaultProxy;
let proxyTwo: FaultProxy;
let secretKey: Buffer;
let dataDir: string;
/** The same user in RegionOne (the source) and RegionTwo (the target), through the proxies. */
let one: string;
let two: string;
/** A 24 MiB image on RegionOne with metadata worth carrying over. */
let source: GlanceImage;
const madeOnOne: string[] = [];
const madeOnTwo: string[] = [];

async function startMain(): Promise<TestMain> {
  return startTestMain({
    dataDir,
    secretKey,
    log: () => undefined,
    transfers: {
      retry: { maxRetries: 3, baseDelayMs: 50, maxDelayMs: 200 },
      stallTimeoutMs: 60_000,
    },
  });
}

beforeAll(async () => {
  secretKey = randomBytes(32);
  dataDir = tempFolder('copies');
  proxyOne = await startFaultProxy(bed.glanceUrl);
  proxyTwo = await startFaultProxy(bed.second.glanceUrl);
  main = await startMain();
  const save = async (name: string, region: string, imageEndpoint: string) =>
    (
      await main.value('saveProfile', {
        profile: passwordProfile(bed, bed.member, { name, region, imageEndpoint }),
      })
    ).id;
  one = await save('Region one', bed.region, proxyOne.url);
  two = await save('Region two', bed.second.region, proxyTwo.url);
  source = await uploadImage(bed, bed.member, {
    name: `镜像 复制 ${run}`,
    size,
    disk_format: 'qcow2',
    fields: {
      min_disk: 2,
      min_ram: 512,
      tags: ['copy-test', '标签'],
      description: '中文描述',
      __os_version: 'Ubuntu 22.04 server 64bit',
      __os_type: 'Linux',
      __platform: 'Ubuntu',
      hw_disk_bus: 'scsi',
      'owner_specified.openstack.md5': 'not-this-one',
    },
  });
  madeOnOne.push(source.id);
});

afterEach(() => {
  proxyOne.clearRules();
  proxyTwo.clearRules();
  proxyOne.requests.length = 0;
  proxyTwo.requests.length = 0;
});

afterAll(async () => {
  await main?.close();
  for (const id of madeOnTwo) {
    await glanceTwo('PATCH', `/v2/images/${id}`, [
      { op: 'replace', path: '/protected', value: false },
    ]);
    await glanceTwo('DELETE', `/v2/images/${id}`);
  }
  for (const id of madeOnOne) await glanceOne('DELETE', `/v2/images/${id}`);
  await proxyOne?.close();
  await proxyTwo?.close();
});

async function preview(imageIds: string[]): Promise<CopyPreview[]> {
  return main.value('previewCopies', { sourceProfileId: one, targetProfileId: two, imageIds });
}

/** Starts one copy of `imageId` with the fields the preview proposes, changed by `edit`. */
async function startCopy(
  imageId: string,
  edit: (create: ImageCreate) => ImageCreate = (create) => create,
  extra: { localCopyFolder?: string } = {},
): Promise<Transfer> {
  const [proposed] = await preview([imageId]);
  const [started] = await main.value('startCopies', {
    sourceProfileId: one,
    targetProfileId: two,
    items: [{ imageId, create: edit(proposed?.create ?? {}) }],
    ...extra,
  });
  if (started === undefined) throw new Error('nothing started');
  return started;
}

/** The finished copy; its target image is deleted at the end of the file. */
async function finished(id: string, states?: readonly TransferState[]): Promise<Transfer> {
  const done = await waitForTransfer(main, id, states);
  if (done.copy?.targetImageId) madeOnTwo.push(done.copy.targetImageId);
  return done;
}

/** Resolves once the copy has sent more than `bytes`. */
function sentMoreThan(id: string, bytes: number): Promise<Transfer> {
  const { transfers } = main.services;
  return new Promise((resolve) => {
    const check = () => {
      const transfer = transfers.get(id);
      if (transfer.bytesDone <= bytes) return;
      stop();
      resolve(transfer);
    };
    const stop = transfers.onChange(check);
    check();
  });
}

/** The image as RegionTwo's Glance has it (404: its status is null). */
async function onTwo(id: string): Promise<{ status: number; image: Record<string, unknown> }> {
  const answer = await glanceTwo('GET', `/v2/images/${id}`);
  return { status: answer.status, image: answer.status === 200 ? answer.json() : {} };
}

async function namedOnTwo(name: string): Promise<Record<string, unknown>[]> {
  const answer = await glanceTwo('GET', `/v2/images?name=${encodeURIComponent(name)}`);
  return answer.json<{ images: Record<string, unknown>[] }>().images;
}

function requestsTo(proxy: FaultProxy, pattern: RegExp) {
  return proxy.requests.filter((r) => pattern.test(`${r.method} ${r.path}`));
}

async function expectSameData(targetImageId: string): Promise<void> {
  const { image } = await onTwo(targetImageId);
  expect(image).toMatchObject({
    status: 'active',
    size,
    checksum: source.checksum,
    os_hash_algo: 'sha512',
    os_hash_value: source.os_hash_value,
  });
}

describe('copying to another cloud', () => {
  it('previews what is carried over, what is left out, and that the target has no such data', async () => {
    const [proposed] = await preview([source.id]);
    expect(proposed).toMatchObject({
      imageId: source.id,
      name: source.name,
      size,
      sameData: [],
      create: {
        name: source.name,
        disk_format: 'qcow2',
        container_format: 'bare',
        min_disk: 2,
        min_ram: 512,
        // Glance keeps tags as a set, in no order.
        tags: expect.arrayContaining(['copy-test', '标签']),
        visibility: 'private',
        protected: false,
        properties: {
          description: '中文描述',
          __os_version: 'Ubuntu 22.04 server 64bit',
          __os_type: 'Linux',
          __platform: 'Ubuntu',
          hw_disk_bus: 'scsi',
        },
      },
    });
    expect(proposed?.create.tags).toHaveLength(2);
    expect(proposed?.problem).toBeUndefined();
    const skipped = Object.fromEntries((proposed?.skipped ?? []).map((s) => [s.key, s.why]));
    expect(skipped).toMatchObject({
      id: 'computed',
      os_hash_value: 'computed',
      checksum: 'computed',
      owner: 'computed',
      stores: 'storage',
      'owner_specified.openstack.md5': 'source-upload',
    });
  });

  it('copies the data and the metadata, verified at both ends, and protects it only then', async () => {
    const started = await startCopy(source.id, (create) => ({ ...create, protected: true }));
    expect(started).toMatchObject({
      kind: 'copy',
      profileId: one,
      imageId: source.id,
      imageName: source.name,
      bytesTotal: size,
      copy: { targetProfileId: two, uploadRestarts: 0 },
    });
    const done = await finished(started.id);
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ state: 'done', bytesDone: size, path: '' });
    expect(done.verification).toEqual({
      algorithm: 'sha512',
      expected: source.os_hash_value,
      actual: source.os_hash_value,
      ok: true,
    });
    const targetId = done.copy?.targetImageId ?? '';
    expect(targetId).not.toBe(source.id);
    await expectSameData(targetId);
    const { image } = await onTwo(targetId);
    expect(image).toMatchObject({
      name: source.name,
      disk_format: 'qcow2',
      container_format: 'bare',
      min_disk: 2,
      min_ram: 512,
      visibility: 'private',
      protected: true,
      description: '中文描述',
      __os_version: 'Ubuntu 22.04 server 64bit',
      __os_type: 'Linux',
      hw_disk_bus: 'scsi',
    });
    expect([...(image.tags as string[])].sort()).toEqual(['copy-test', '标签'].sort());
    expect(image).not.toHaveProperty('owner_specified.openstack.md5');
    // The target cloud's activity says what came, and from where.
    const [recorded] = await main.value('listActivity', { profileId: two, limit: 1 });
    expect(recorded).toMatchObject({
      action: 'copied',
      imageId: targetId,
      imageName: source.name,
      profileName: 'Region two',
      copiedFrom: { cloud: 'Region one', imageId: source.id },
      outcome: { ok: true },
    });
    // One request for the data, one upload: streamed, nothing resumed or restarted.
    expect(requestsTo(proxyOne, fileRequest)).toHaveLength(1);
    expect(requestsTo(proxyTwo, uploadRequest)).toHaveLength(1);
  });

  it('finds images the target already holds, by hash and size, for a bulk copy to skip', async () => {
    const bytes = randomBytes(MiB);
    const there = await uploadImage(bed, bed.member, { name: `there ${run}`, bytes });
    const missing = await uploadImage(bed, bed.member, { name: `missing ${run}`, size: MiB });
    madeOnOne.push(there.id, missing.id);
    const already = await uploadImage(regionTwo, bed.member, { name: `already ${run}`, bytes });
    madeOnTwo.push(already.id);

    const previews = await preview([there.id, missing.id]);
    expect(previews.map((p) => p.sameData)).toEqual([
      [{ id: already.id, name: `already ${run}`, status: 'active' }],
      [],
    ]);
    // The dialog skips what is there (the default for a bulk copy) and copies the rest.
    const started = await main.value('startCopies', {
      sourceProfileId: one,
      targetProfileId: two,
      items: previews
        .filter((p) => p.sameData.length === 0)
        .map((p) => ({ imageId: p.imageId, create: p.create })),
    });
    expect(started.map((t) => t.imageId)).toEqual([missing.id]);
    const done = await finished(started[0]?.id ?? '');
    expect(done.state).toBe('done');
    expect(await namedOnTwo(`there ${run}`)).toEqual([]);
    expect((await namedOnTwo(`missing ${run}`)).map((image) => image.id)).toEqual([
      done.copy?.targetImageId,
    ]);
  });

  it('resumes a cut source connection with Range into the upload that is still open', async () => {
    proxyOne.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 9 * MiB } });
    const done = await finished((await startCopy(source.id)).id);
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ state: 'done', copy: { uploadRestarts: 0 } });
    await expectSameData(done.copy?.targetImageId ?? '');
    const ranges = requestsTo(proxyOne, fileRequest).map((r) => r.headers.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    const resumedAt = Number(/\d+/.exec(ranges[1] ?? '')?.[0]);
    expect(resumedAt).toBeGreaterThan(8 * MiB);
    expect(resumedAt).toBeLessThan(9 * MiB);
    expect(requestsTo(proxyTwo, uploadRequest)).toHaveLength(1);
  });

  it('starts a cut upload over into the same target image, and says why', async () => {
    proxyTwo.addRule({ match: uploadRequest, fault: { kind: 'cut-upload', afterBytes: 10 * MiB } });
    const done = await finished((await startCopy(source.id)).id);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe('done');
    expect(done.copy).toMatchObject({ uploadRestarts: 1, lastRestart: { from: 'source' } });
    expect(done.copy?.lastRestart?.error.kind).toBe('network');
    const targetId = done.copy?.targetImageId ?? '';
    await expectSameData(targetId);
    // One image made; both uploads went into it; the source was read from the start again.
    const created = proxyTwo.requests.filter((r) => r.method === 'POST' && r.path === '/v2/images');
    expect(created).toHaveLength(1);
    expect(requestsTo(proxyTwo, uploadRequest).map((r) => r.path)).toEqual([
      `/v2/images/${targetId}/file`,
      `/v2/images/${targetId}/file`,
    ]);
    expect(requestsTo(proxyOne, fileRequest).map((r) => r.headers.range)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('restarts a cut upload from the local copy, and keeps that copy verified', async () => {
    const folder = tempFolder('local-copy');
    await main.pick('folder', folder);
    proxyTwo.addRule({ match: uploadRequest, fault: { kind: 'cut-upload', afterBytes: 10 * MiB } });
    const started = await startCopy(source.id, undefined, { localCopyFolder: folder });
    const done = await finished(started.id);
    expect(done.error).toBeUndefined();
    expect(done.copy).toMatchObject({ uploadRestarts: 1, lastRestart: { from: 'local-copy' } });
    await expectSameData(done.copy?.targetImageId ?? '');
    expect(done.path).toBe(join(folder, `镜像 复制 ${run}.qcow2`));
    expect(await readdir(folder)).toEqual([`镜像 复制 ${run}.qcow2`]);
    expect(await sha512Of(done.path)).toBe(source.os_hash_value);
    // The restarted upload read what the disk had, then the rest from the source with Range.
    const ranges = requestsTo(proxyOne, fileRequest).map((r) => r.headers.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges.slice(1).every((range) => range !== undefined)).toBe(true);
  });

  it('never leaves an active image on the target when the source sends bad bytes', async () => {
    proxyOne.addRule({ match: fileRequest, fault: { kind: 'flip', atByte: 5 * MiB } });
    const started = await startCopy(source.id, (create) => ({
      ...create,
      name: `bad bytes ${run}`,
    }));
    const failed = await finished(started.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({
      kind: 'integrity',
      details: {
        reason: 'copy-mismatch',
        side: 'source',
        algorithm: 'sha512',
        expected: source.os_hash_value,
        targetDeleted: true,
      },
    });
    expect(await namedOnTwo(`bad bytes ${run}`)).toEqual([]);
    expect(failed.copy?.targetImageId).toBe('');
  });

  it('deletes the copy when the target stored other bytes than were sent', async () => {
    proxyTwo.addRule({ match: uploadRequest, fault: { kind: 'flip-upload', atByte: 3 * MiB } });
    const name = `stored wrong ${run}`;
    const failed = await finished((await startCopy(source.id, (c) => ({ ...c, name }))).id);
    expect(failed.error).toMatchObject({
      kind: 'integrity',
      details: { reason: 'copy-mismatch', side: 'target', targetDeleted: true },
    });
    expect(await namedOnTwo(name)).toEqual([]);
  });

  it('cancels mid-copy and leaves nothing on the target, or keeps it queued when asked', async () => {
    for (const keepTarget of [false, true]) {
      const name = `cancelled ${keepTarget} ${run}`;
      proxyOne.addRule({
        match: fileRequest,
        fault: { kind: 'stall', afterBytes: 6 * MiB, ms: 30_000 },
      });
      const started = await startCopy(source.id, (create) => ({ ...create, name }));
      const held = await sentMoreThan(started.id, 4 * MiB);
      const targetId = held.copy?.targetImageId ?? '';
      expect(targetId).not.toBe('');
      await main.value('controlTransfer', { id: started.id, action: 'cancel', keepTarget });
      const cancelled = main.services.transfers.get(started.id);
      expect(cancelled.state).toBe('cancelled');
      if (keepTarget) {
        madeOnTwo.push(targetId);
        const { image } = await onTwo(targetId);
        expect(image).toMatchObject({ status: 'queued', name: `${name} (unfinished copy)` });
        expect(cancelled.copy).toMatchObject({ keptTarget: true, targetImageId: '' });
      } else {
        expect((await onTwo(targetId)).status).toBe(404);
        expect(await namedOnTwo(name)).toEqual([]);
      }
      proxyOne.clearRules();
    }
  });

  it('asks again after a retry: a kept cancel does not keep the image a failed retry made', async () => {
    const name = `kept then retried ${run}`;
    proxyOne.addRule({
      match: fileRequest,
      fault: { kind: 'stall', afterBytes: 6 * MiB, ms: 30_000 },
    });
    const started = await startCopy(source.id, (create) => ({ ...create, name }));
    const kept = (await sentMoreThan(started.id, 4 * MiB)).copy?.targetImageId ?? '';
    madeOnTwo.push(kept);
    await main.value('controlTransfer', { id: started.id, action: 'cancel', keepTarget: true });
    proxyOne.clearRules();

    // The retry makes a new image on the target, then the source refuses its bytes.
    proxyOne.addRule({ match: fileRequest, fault: { kind: 'status', status: 404 } });
    await main.value('controlTransfer', { id: started.id, action: 'retry' });
    const failed = await waitForTransfer(main, started.id, ['failed']);
    const retried = failed.copy?.targetImageId ?? '';
    expect(retried).not.toBe('');
    expect(retried).not.toBe(kept);
    madeOnTwo.push(retried);

    await main.value('controlTransfer', { id: started.id, action: 'remove' });
    expect((await onTwo(retried)).status).toBe(404);
    expect((await onTwo(kept)).image).toMatchObject({ name: `${name} (unfinished copy)` });
  });

  it('comes back after a restart of the app and fills the same target image', async () => {
    const copiesBefore = (await namedOnTwo(source.name)).length;
    proxyOne.addRule({
      match: fileRequest,
      fault: { kind: 'stall', afterBytes: 7 * MiB, ms: 30_000 },
    });
    const started = await startCopy(source.id);
    const held = await sentMoreThan(started.id, 5 * MiB);
    const targetId = held.copy?.targetImageId ?? '';
    await main.services.close();
    main = await startMain();
    const back = (await main.value('listTransfers')).find((t) => t.id === started.id);
    expect(back).toMatchObject({ kind: 'copy', imageId: source.id });
    const done = await finished(started.id);
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ state: 'done', copy: { targetImageId: targetId } });
    await expectSameData(targetId);
    // No other image was made for it: the one held at the restart got the data.
    expect(await namedOnTwo(source.name)).toHaveLength(copiesBefore + 1);
    const queueFile = JSON.parse(await readFile(join(dataDir, 'transfers.json'), 'utf8')) as {
      transfers: { plan: { targetImageId: string } }[];
    };
    expect(queueFile.transfers.some((t) => t.plan.targetImageId === targetId)).toBe(true);
  });

  it('pauses a running copy and, resumed, starts its upload over into the same image', async () => {
    proxyOne.addRule({
      match: fileRequest,
      fault: { kind: 'stall', afterBytes: 6 * MiB, ms: 30_000 },
    });
    const started = await startCopy(source.id);
    const held = await sentMoreThan(started.id, 4 * MiB);
    const targetId = held.copy?.targetImageId ?? '';
    await main.value('controlTransfer', { id: started.id, action: 'pause' });
    expect(main.services.transfers.get(started.id).state).toBe('paused');
    await main.value('controlTransfer', { id: started.id, action: 'resume' });
    const done = await finished(started.id);
    expect(done).toMatchObject({ state: 'done', copy: { targetImageId: targetId } });
    await expectSameData(targetId);
  });

  it('says why an image cannot be copied, and copies the others', async () => {
    const gone = randomUUID();
    const empty = (
      await glanceOne('POST', '/v2/images', {
        name: `no data ${run}`,
        disk_format: 'raw',
        container_format: 'bare',
      })
    ).json<{ id: string }>().id;
    madeOnOne.push(empty);
    const previews = await preview([gone, empty, source.id]);
    expect(previews.map((p) => p.problem?.details?.reason)).toEqual([
      undefined,
      'no-data',
      undefined,
    ]);
    expect(previews[0]?.problem?.kind).toBe('not-found');
    const started = await main.value('startCopies', {
      sourceProfileId: one,
      targetProfileId: two,
      items: [gone, source.id].map((imageId) => ({
        imageId,
        create: {
          name: `missing and present ${run}`,
          disk_format: 'raw',
          container_format: 'bare',
        },
      })),
    });
    expect(started[0]).toMatchObject({ state: 'failed', error: { kind: 'not-found' } });
    const done = await finished(started[1]?.id ?? '');
    expect(done.state).toBe('done');
  });

  it('refuses a copy to the same cloud, and a local-copy folder the user did not choose', async () => {
    const same = await main.call('startCopies', {
      sourceProfileId: one,
      targetProfileId: one,
      items: [{ imageId: source.id, create: {} }],
    });
    expect(same).toMatchObject({
      ok: false,
      error: { kind: 'validation', details: { reason: 'copy-to-same-cloud' } },
    });
    const folder = await main.call('startCopies', {
      sourceProfileId: one,
      targetProfileId: two,
      items: [{ imageId: source.id, create: {} }],
      localCopyFolder: '/etc',
    });
    expect(folder).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', details: { reason: 'path-not-chosen' } },
    });
  });
});
