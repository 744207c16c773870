// The download engine against the real Glance, with a fault-injecting proxy in between:
// cut connections, stalls, 5xx, a server that ignores Range, flipped bytes, images that
// cannot be downloaded, a full disk and a read-only folder.
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AppError } from '../../../common/errors';
import type { Image } from '../../../common/image';
import { GlanceClient } from '../../../main/openstack/glance';
import {
  downloadImage,
  type DownloadOptions,
  type DownloadResult,
} from '../../../main/transfers/download';
import { reserveDownloadTarget, safeFileName } from '../../../main/transfers/file-names';
import type { ImageData } from '../../../main/transfers/image-data';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import {
  dataFor,
  imageWithData,
  MiB,
  randomFile,
  sessionFor,
  sha512Of,
  type RandomFile,
} from './helpers';
import { canMountTmpfs, mountTmpfs, remountReadOnly, unmount } from './mounts';

const bed = inject('testbed');
const fileRequest = /^GET \/v2\/images\/[^/]+\/file$/;

let work: string;
let source: RandomFile;
let image: Image;
let adminGlance: GlanceClient;
let proxy: FaultProxy;
let viaProxy: ImageData;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'downloads-'));
  source = await randomFile(join(work, 'source.bin'), 112 * MiB);
  adminGlance = new GlanceClient(sessionFor(bed, bed.admin));
  image = await imageWithData(bed, adminGlance, source, {
    name: 'fault test: 镜像/1',
    disk_format: 'raw',
  });
  proxy = await startFaultProxy(bed.glanceUrl);
  viaProxy = dataFor(bed, bed.admin, proxy.url);
});

afterAll(async () => {
  await proxy?.close();
  await adminGlance?.deleteImage(image.id).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(work, 'folder-'));
  proxy.clearRules();
  proxy.requests.length = 0;
});

afterEach(() => {
  expect(proxy.pendingRules(), 'every injected fault was used').toBe(0);
});

interface Run {
  result?: DownloadResult;
  error?: AppError;
  retries: AppError[];
  partPath: string;
  finalPath: string;
}

async function download(
  data: ImageData,
  target: Image,
  options: Partial<DownloadOptions> = {},
  into = folder,
): Promise<Run> {
  const { finalPath, partPath } = await reserveDownloadTarget(
    into,
    safeFileName(target.name, target.disk_format, target.id),
  );
  const run: Run = { retries: [], partPath, finalPath };
  try {
    run.result = await downloadImage(
      data,
      { imageId: target.id, imageName: target.name ?? '', finalPath, partPath, expected: null },
      {
        signal: new AbortController().signal,
        policy: { maxRetries: 4, baseDelayMs: 50, maxDelayMs: 400 },
        stallTimeoutMs: 1500,
        onProgress: () => undefined,
        onRetry: (error) => run.retries.push(error),
        onVerifying: () => undefined,
        onPlan: () => undefined,
        ...options,
      },
    );
  } catch (error) {
    run.error = error as AppError;
  }
  return run;
}

/** The Range header of each request for the image data, in order ('' for none). */
function rangesSent(): string[] {
  return proxy.requests
    .filter((r) => fileRequest.test(`${r.method} ${r.path}`))
    .map((r) => r.headers.range ?? '');
}

async function expectIdenticalAndVerified(run: Run): Promise<void> {
  expect(run.error).toBeUndefined();
  expect(run.result?.verification).toEqual({
    algorithm: 'sha512',
    expected: source.sha512,
    actual: source.sha512,
    ok: true,
  });
  expect(run.result?.bytes).toBe(source.size);
  const path = run.result?.path ?? '';
  expect(path).toBe(join(folder, 'fault test_ 镜像_1.raw'));
  expect((await stat(path)).size).toBe(source.size);
  expect(await sha512Of(path)).toBe(source.sha512);
  expect(await readdir(folder)).toEqual(['fault test_ 镜像_1.raw']);
}

function resumedOffsets(ranges: string[]): number[] {
  return ranges.slice(1).map((range) => Number(/^bytes=(\d+)-$/.exec(range)?.[1]));
}

describe('downloads through a faulty connection', () => {
  it('stays byte-identical and verified when the connection is cut three times', async () => {
    proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 20 * MiB }, times: 3 });
    const run = await download(viaProxy, image);
    await expectIdenticalAndVerified(run);
    expect(run.retries.map((e) => e.kind)).toEqual(['network', 'network', 'network']);
    const ranges = rangesSent();
    expect(ranges).toHaveLength(4);
    expect(ranges[0]).toBe('');
    const offsets = resumedOffsets(ranges);
    // Each resume starts where the bytes on disk end: ~20, ~40, ~60 MiB.
    offsets.forEach((offset, i) => {
      expect(offset).toBeGreaterThan((i + 1) * 19 * MiB);
      expect(offset).toBeLessThanOrEqual((i + 1) * 20 * MiB);
    });
  });

  it('drops a stalled connection and resumes', async () => {
    proxy.addRule({
      match: fileRequest,
      fault: { kind: 'stall', afterBytes: 30 * MiB, ms: 20_000 },
    });
    const run = await download(viaProxy, image);
    await expectIdenticalAndVerified(run);
    expect(run.retries).toHaveLength(1);
    expect(run.retries[0]?.kind).toBe('timeout');
    expect(run.retries[0]?.message).toContain('stalled');
    expect(resumedOffsets(rangesSent())[0]).toBeGreaterThan(29 * MiB);
  });

  it('retries through 5xx answers and resumes', async () => {
    proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 10 * MiB } });
    proxy.addRule({ match: fileRequest, fault: { kind: 'status', status: 503 }, times: 2 });
    proxy.addRule({ match: fileRequest, fault: { kind: 'status', status: 500 } });
    const run = await download(viaProxy, image);
    await expectIdenticalAndVerified(run);
    expect(run.retries.map((e) => e.kind)).toEqual(['network', 'server', 'server', 'server']);
    expect(proxy.requests.filter((r) => r.fault === 'status')).toHaveLength(3);
    expect(resumedOffsets(rangesSent()).every((offset) => offset > 9 * MiB)).toBe(true);
  });

  it('gives up after the bounded retries, keeping the .part for a later retry', async () => {
    proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 5 * MiB } });
    proxy.addRule({ match: fileRequest, fault: { kind: 'status', status: 503 }, times: 4 });
    const run = await download(viaProxy, image);
    expect(run.error?.kind).toBe('server');
    expect(run.error?.message).toContain('Gave up after 4 retries');
    // The cut made progress, so it starts the count: it and three 503s are retried, the
    // fourth 503 is the fifth failure in a row.
    expect(run.retries.map((e) => e.kind)).toEqual(['network', 'server', 'server', 'server']);
    expect(await readdir(folder)).toEqual(['fault test_ 镜像_1.raw.part']);
    expect((await stat(run.partPath)).size).toBeGreaterThan(4 * MiB);

    // The same plan later resumes from the .part (re-hashing it) and finishes.
    proxy.requests.length = 0;
    const resumed = await downloadImage(
      viaProxy,
      {
        imageId: image.id,
        imageName: image.name ?? '',
        finalPath: run.finalPath,
        partPath: run.partPath,
        expected: null,
      },
      {
        signal: new AbortController().signal,
        policy: { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 50 },
        stallTimeoutMs: 5000,
        onProgress: () => undefined,
        onRetry: () => undefined,
        onVerifying: () => undefined,
        onPlan: () => undefined,
      },
    );
    await expectIdenticalAndVerified({ ...run, result: resumed, error: undefined });
    expect(resumedOffsets(['', ...rangesSent()])[0]).toBeGreaterThan(4 * MiB);
  });

  it('starts over cleanly when the server ignores the Range and answers 200', async () => {
    proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 25 * MiB } });
    proxy.addRule({ match: fileRequest, fault: { kind: 'drop-range' } });
    const run = await download(viaProxy, image);
    await expectIdenticalAndVerified(run);
    expect(proxy.requests.filter((r) => r.fault === 'drop-range')).toHaveLength(1);
  });

  it('reports a hash mismatch naming both hashes, and never keeps the bad bytes', async () => {
    proxy.addRule({ match: fileRequest, fault: { kind: 'flip', atByte: 50 * MiB } });
    const run = await download(viaProxy, image);
    expect(run.error?.kind).toBe('integrity');
    expect(run.error?.message).toContain(source.sha512);
    expect(run.error?.details).toMatchObject({ algorithm: 'sha512', expected: source.sha512 });
    const actual = String(run.error?.details?.actual);
    expect(actual).toMatch(/^[0-9a-f]{128}$/);
    expect(actual).not.toBe(source.sha512);
    expect(run.error?.message).toContain(actual);
    expect(run.retries).toEqual([]);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('images that cannot be downloaded fail at once with a clear message', () => {
  it('an image without data (queued)', async () => {
    const empty = await adminGlance.createImage({
      name: 'no data yet',
      disk_format: 'raw',
      container_format: 'bare',
    });
    try {
      const run = await download(viaProxy, empty);
      expect(run.error?.kind).toBe('conflict');
      expect(run.error?.message).toBe(
        '“no data yet” has no data to download (status: queued). Upload its data first.',
      );
      expect(run.retries).toEqual([]);
      expect(await readdir(folder)).toEqual(['no data yet.raw.part']);
    } finally {
      await adminGlance.deleteImage(empty.id);
    }
  });

  it('a deactivated image, for a non-admin', async () => {
    const small = await randomFile(join(work, 'small.bin'), MiB);
    const shared = await imageWithData(bed, adminGlance, small, {
      name: 'deactivated one',
      fields: { visibility: 'public' },
    });
    await adminGlance.deactivateImage(shared.id);
    try {
      const run = await download(dataFor(bed, bed.member), shared);
      expect(run.error?.kind).toBe('forbidden');
      expect(run.error?.message).toContain('“deactivated one” is deactivated');
      expect(run.retries).toEqual([]);
    } finally {
      await adminGlance.deleteImage(shared.id);
    }
  });

  it('a missing image', async () => {
    const run = await download(viaProxy, { ...image, id: '00000000-0000-4000-8000-000000000000' });
    expect(run.error?.kind).toBe('not-found');
    expect(run.retries).toEqual([]);
  });
});

describe.skipIf(!canMountTmpfs)('a full disk and a read-only folder (tmpfs mounts)', () => {
  let mountPoint: string;
  beforeEach(async () => {
    mountPoint = join(folder, 'mnt');
    await mkdir(mountPoint);
  });
  afterEach(() => {
    unmount(mountPoint);
  });

  it('a full disk fails in plain words and leaves nothing behind', async () => {
    mountTmpfs(mountPoint, '24m');
    const run = await download(viaProxy, image, {}, mountPoint);
    expect(run.error?.kind).toBe('filesystem');
    expect(run.error?.details?.code).toBe('ENOSPC');
    expect(run.error?.message).toMatch(/^The disk is full: there is not enough free space for /);
    expect(run.retries).toEqual([]);
    expect(await readdir(mountPoint)).toEqual([]);
  });

  it('a read-only folder fails before anything is written', async () => {
    mountTmpfs(mountPoint, '1m', true);
    const attempt = reserveDownloadTarget(mountPoint, 'disk.raw');
    await expect(attempt).rejects.toMatchObject({
      kind: 'filesystem',
      message: `${mountPoint} is on a read-only disk. Choose another folder.`,
      details: { code: 'EROFS' },
    });
  });

  it('a folder that turns read-only before the download starts keeps no final file', async () => {
    mountTmpfs(mountPoint, '8m');
    const { finalPath, partPath } = await reserveDownloadTarget(mountPoint, 'disk.raw');
    remountReadOnly(mountPoint);
    const error = await downloadImage(
      viaProxy,
      { imageId: image.id, imageName: image.name ?? '', finalPath, partPath, expected: null },
      {
        signal: new AbortController().signal,
        policy: { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 50 },
        stallTimeoutMs: 5000,
        onProgress: () => undefined,
        onRetry: () => undefined,
        onVerifying: () => undefined,
        onPlan: () => undefined,
      },
    ).catch((e: unknown) => e as AppError);
    expect(error).toMatchObject({ kind: 'filesystem', details: { code: 'EROFS' } });
    expect(await readdir(mountPoint)).toEqual(['disk.raw.part']);
  });
});
