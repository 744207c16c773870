// The download engine against the real Glance, with a fault-injecting proxy in between:
// cut connections, stalls, 5xx, a server that ignores Range, flipped bytes, images that
// cannot be downloaded, a full disk and a read-only folder.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AppError } from '../../../common/errors';
import type { Image } from '../../../common/image';
import {
  downloadImage,
  type DownloadOptions,
  type DownloadPlan,
  type DownloadResult,
} from '../../../main/transfers/download';
import { reserveDownloadTarget, safeFileName } from '../../../main/transfers/file-names';
import type { ImageData } from '../../../main/transfers/image-data';
import { issueToken } from '../../support/keystone-admin';
import { dataFor, imageWithData, MiB, randomFile, sha512Of, useProxiedImage } from './helpers';
import { canMountTmpfs, mountTmpfs, remountReadOnly, unmount } from './mounts';

const bed = inject('testbed');
const fileRequest = /^GET \/v2\/images\/[^/]+\/file$/;

const fixture = useProxiedImage(bed, 112 * MiB, { name: 'fault test: 镜像/1', disk_format: 'raw' });

afterEach(() => {
  expect(fixture.proxy.pendingRules(), 'every injected fault was used').toBe(0);
});

/** A plan to download `target` into the given paths, with no hash known in advance. */
function planFor(
  target: Image,
  { finalPath, partPath }: { finalPath: string; partPath: string },
): DownloadPlan {
  return { imageId: target.id, imageName: target.name ?? '', finalPath, partPath, expected: null };
}

/** The engine's options with one quick retry and silent callbacks; `overrides` replace them. */
function engineOptions(overrides: Partial<DownloadOptions> = {}): DownloadOptions {
  return {
    signal: new AbortController().signal,
    policy: { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 50 },
    stallTimeoutMs: 5000,
    onProgress: () => undefined,
    onRetry: () => undefined,
    onVerifying: () => undefined,
    onPlan: () => undefined,
    ...overrides,
  };
}

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
  into = fixture.folder,
): Promise<Run> {
  const { finalPath, partPath } = await reserveDownloadTarget(
    into,
    safeFileName(target.name, target.disk_format, target.id),
  );
  const run: Run = { retries: [], partPath, finalPath };
  try {
    run.result = await downloadImage(
      data,
      planFor(target, run),
      engineOptions({
        policy: { maxRetries: 4, baseDelayMs: 50, maxDelayMs: 400 },
        stallTimeoutMs: 1500,
        onRetry: (error) => run.retries.push(error),
        ...options,
      }),
    );
  } catch (error) {
    run.error = error as AppError;
  }
  return run;
}

/** The Range header of each request for the image data, in order ('' for none). */
function rangesSent(): string[] {
  return fixture.proxy.requests
    .filter((r) => fileRequest.test(`${r.method} ${r.path}`))
    .map((r) => r.headers.range ?? '');
}

async function expectIdenticalAndVerified(run: Run): Promise<void> {
  expect(run.error).toBeUndefined();
  expect(run.result?.verification).toEqual({
    algorithm: 'sha512',
    expected: fixture.source.sha512,
    actual: fixture.source.sha512,
    ok: true,
  });
  expect(run.result?.bytes).toBe(fixture.source.size);
  const path = run.result?.path ?? '';
  expect(path).toBe(join(fixture.folder, 'fault test_ 镜像_1.raw'));
  expect((await stat(path)).size).toBe(fixture.source.size);
  expect(await sha512Of(path)).toBe(fixture.source.sha512);
  expect(await readdir(fixture.folder)).toEqual(['fault test_ 镜像_1.raw']);
}

/** The image's JSON exactly as Glance sends it. */
async function rawImage(id: string): Promise<Record<string, unknown>> {
  const token = await issueToken(bed, bed.admin);
  const response = await fetch(`${bed.glanceUrl}/v2/images/${id}`, {
    headers: { 'x-auth-token': token },
  });
  return (await response.json()) as Record<string, unknown>;
}

function resumedOffsets(ranges: string[]): number[] {
  return ranges.slice(1).map((range) => Number(/^bytes=(\d+)-$/.exec(range)?.[1]));
}

describe('downloads through a faulty connection', () => {
  it('stays byte-identical and verified when the connection is cut three times', async () => {
    fixture.proxy.addRule({
      match: fileRequest,
      fault: { kind: 'cut', afterBytes: 20 * MiB },
      times: 3,
    });
    const run = await download(fixture.viaProxy, fixture.image);
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
    fixture.proxy.addRule({
      match: fileRequest,
      fault: { kind: 'stall', afterBytes: 30 * MiB, ms: 20_000 },
    });
    const run = await download(fixture.viaProxy, fixture.image);
    await expectIdenticalAndVerified(run);
    expect(run.retries).toHaveLength(1);
    expect(run.retries[0]?.kind).toBe('timeout');
    expect(run.retries[0]?.message).toContain('stalled');
    expect(run.retries[0]?.details).toEqual({ reason: 'stalled', seconds: 2 });
    expect(resumedOffsets(rangesSent())[0]).toBeGreaterThan(29 * MiB);
  });

  it('retries through 5xx answers and resumes', async () => {
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 10 * MiB } });
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'status', status: 503 }, times: 2 });
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'status', status: 500 } });
    const run = await download(fixture.viaProxy, fixture.image);
    await expectIdenticalAndVerified(run);
    expect(run.retries.map((e) => e.kind)).toEqual(['network', 'server', 'server', 'server']);
    expect(fixture.proxy.requests.filter((r) => r.fault === 'status')).toHaveLength(3);
    expect(resumedOffsets(rangesSent()).every((offset) => offset > 9 * MiB)).toBe(true);
  });

  it('gives up after the bounded retries, keeping the .part for a later retry', async () => {
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 5 * MiB } });
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'status', status: 503 }, times: 4 });
    const run = await download(fixture.viaProxy, fixture.image);
    expect(run.error?.kind).toBe('server');
    expect(run.error?.message).toContain('Gave up after 4 retries');
    expect(run.error?.details?.retries).toBe(4);
    // The cut made progress, so it starts the count: it and three 503s are retried, the
    // fourth 503 is the fifth failure in a row.
    expect(run.retries.map((e) => e.kind)).toEqual(['network', 'server', 'server', 'server']);
    expect(await readdir(fixture.folder)).toEqual(['fault test_ 镜像_1.raw.part']);
    expect((await stat(run.partPath)).size).toBeGreaterThan(4 * MiB);

    // The same plan later resumes from the .part (re-hashing it) and finishes.
    fixture.proxy.requests.length = 0;
    const resumed = await downloadImage(
      fixture.viaProxy,
      planFor(fixture.image, run),
      engineOptions(),
    );
    await expectIdenticalAndVerified({ ...run, result: resumed, error: undefined });
    expect(resumedOffsets(['', ...rangesSent()])[0]).toBeGreaterThan(4 * MiB);
  });

  it('starts over cleanly when the server ignores the Range and answers 200', async () => {
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 25 * MiB } });
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'drop-range' } });
    const run = await download(fixture.viaProxy, fixture.image);
    await expectIdenticalAndVerified(run);
    expect(fixture.proxy.requests.filter((r) => r.fault === 'drop-range')).toHaveLength(1);
  });

  it('starts over when a resume is answered with another range', async () => {
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 25 * MiB } });
    fixture.proxy.addRule({
      match: fileRequest,
      fault: {
        kind: 'respond',
        status: 206,
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `bytes 0-0/${fixture.source.size}`,
        },
        body: 'x',
      },
    });
    const run = await download(fixture.viaProxy, fixture.image);
    await expectIdenticalAndVerified(run);
    expect(run.retries[1]?.message).toMatch(/with another range; starting over/);
    expect(rangesSent().at(-1)).toBe(''); // the last request took the whole image again
  });

  it('verifies against the response’s Content-MD5 when the image declares no hash', async () => {
    const { checksum, os_hash_algo, os_hash_value, ...unhashed } = await rawImage(fixture.image.id);
    expect([checksum, os_hash_algo, os_hash_value]).not.toContain(undefined);
    fixture.proxy.addRule({
      match: new RegExp(`^GET /v2/images/${fixture.image.id}$`),
      fault: { kind: 'respond', status: 200, body: JSON.stringify(unhashed) },
    });
    const run = await download(fixture.viaProxy, fixture.image);
    expect(run.error).toBeUndefined();
    expect(run.result?.verification).toEqual({
      algorithm: 'md5',
      expected: fixture.source.md5,
      actual: fixture.source.md5,
      ok: true,
    });
  });

  it('reports a hash mismatch naming both hashes, and never keeps the bad bytes', async () => {
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'flip', atByte: 50 * MiB } });
    const run = await download(fixture.viaProxy, fixture.image);
    expect(run.error?.kind).toBe('integrity');
    expect(run.error?.message).toContain(fixture.source.sha512);
    expect(run.error?.details).toMatchObject({
      algorithm: 'sha512',
      expected: fixture.source.sha512,
    });
    const actual = String(run.error?.details?.actual);
    expect(actual).toMatch(/^[0-9a-f]{128}$/);
    expect(actual).not.toBe(fixture.source.sha512);
    expect(run.error?.message).toContain(actual);
    expect(run.retries).toEqual([]);
    expect(await readdir(fixture.folder)).toEqual([]);
  });
});

describe('images that cannot be downloaded fail at once with a clear message', () => {
  it('an image without data (queued)', async () => {
    const empty = await fixture.adminGlance.createImage({
      name: 'no data yet',
      disk_format: 'raw',
      container_format: 'bare',
    });
    try {
      const run = await download(fixture.viaProxy, empty);
      expect(run.error?.kind).toBe('conflict');
      expect(run.error?.message).toBe(
        '“no data yet” has no data to download (status: queued). Upload its data first.',
      );
      expect(run.error?.details).toMatchObject({ reason: 'no-data', imageStatus: 'queued' });
      expect(run.retries).toEqual([]);
      expect(await readdir(fixture.folder)).toEqual([]); // no empty .part left behind
    } finally {
      await fixture.adminGlance.deleteImage(empty.id);
    }
  });

  it('a deactivated image, for a non-admin', async () => {
    const small = await randomFile(join(fixture.work, 'small.bin'), MiB);
    const shared = await imageWithData(bed, fixture.adminGlance, small, {
      name: 'deactivated one',
      fields: { visibility: 'public' },
    });
    await fixture.adminGlance.deactivateImage(shared.id);
    try {
      const run = await download(dataFor(bed, bed.member), shared);
      expect(run.error?.kind).toBe('forbidden');
      expect(run.error?.message).toContain('“deactivated one” is deactivated');
      expect(run.error?.details).toMatchObject({
        reason: 'deactivated',
        imageStatus: 'deactivated',
      });
      expect(run.retries).toEqual([]);
    } finally {
      await fixture.adminGlance.deleteImage(shared.id);
    }
  });

  it('a missing image', async () => {
    const run = await download(fixture.viaProxy, {
      ...fixture.image,
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(run.error?.kind).toBe('not-found');
    expect(run.retries).toEqual([]);
  });
});

if (!canMountTmpfs) {
  console.warn(
    'Skipping the full-disk and read-only folder tests: they mount a tmpfs, which needs root.',
  );
}
describe.skipIf(!canMountTmpfs)('a full disk and a read-only folder (tmpfs mounts)', () => {
  let mountPoint: string;
  beforeEach(async () => {
    mountPoint = join(fixture.folder, 'mnt');
    await mkdir(mountPoint);
  });
  afterEach(() => {
    unmount(mountPoint);
  });

  it('a full disk fails in plain words and leaves nothing behind', async () => {
    mountTmpfs(mountPoint, '24m');
    const run = await download(fixture.viaProxy, fixture.image, {}, mountPoint);
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
    const paths = await reserveDownloadTarget(mountPoint, 'disk.raw');
    remountReadOnly(mountPoint);
    const error = await downloadImage(
      fixture.viaProxy,
      planFor(fixture.image, paths),
      engineOptions(),
    ).catch((e: unknown) => e as AppError);
    expect(error).toMatchObject({ kind: 'filesystem', details: { code: 'EROFS' } });
    expect(await readdir(mountPoint)).toEqual(['disk.raw.part']);
  });
});
