// The download engine against the real Glance, with a fault-injecting proxy in between:
// cut connections, stalls, 5xx, a server that ignores Range, flipped bytes, images that
// cannot be downloaded, a full disk and a read-only folder.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
import { uploadImage } from '../../testbed/seed';
import { dataFor, imageWithData, MiB, randomFile, sha512Of, useProxiedImage } from './helpers';
import { canMountTmpfs, mountTmpfs, remountReadOnly, resizeTmpfs, unmount } from './mounts';

const bed = inject('testbed');
const fileRequest = /^GET \/v2\/images\/[^/]+\/file$/;

const fixture = useProxiedImage(bed, 112 * MiB, { name: 'fault test: 镜像/1', disk_format: 'raw' });

afterEach(() => {
  expect(fixture.proxy.pendingRules(), 'every injected fault was used').toBe(0);
});

/** A plan to download `target` into the given paths, with no hash known in advance. */
function planFor(
  target: Image,
  { folder, finalPath, partPath }: { folder: string; finalPath: string; partPath: string },
): DownloadPlan {
  const imageName = target.name ?? '';
  return { imageId: target.id, imageName, folder, finalPath, partPath, expected: null };
}

/** The engine's options with one quick retry and silent callbacks; `overrides` replace them. */
function engineOptions(overrides: Partial<DownloadOptions> = {}): DownloadOptions {
  return {
    signal: new AbortController().signal,
    policy: { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 50 },
    stallTimeoutMs: 5000,
    connections: 1,
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
  folder: string;
  partPath: string;
  finalPath: string;
  /** The plan as last reported through onPlan (what the queue would persist). */
  plan: DownloadPlan;
  /** The largest byte count the engine reported. */
  maxBytesDone: number;
}

async function download(
  data: ImageData,
  target: Image,
  options: Partial<DownloadOptions> = {},
  into: string | DownloadPlan = fixture.folder,
): Promise<Run> {
  const plan =
    typeof into === 'string'
      ? planFor(
          target,
          await reserveDownloadTarget(
            into,
            safeFileName(target.name, target.disk_format, target.id),
          ),
        )
      : into;
  const run: Run = { retries: [], ...plan, plan, maxBytesDone: 0 };
  try {
    run.result = await downloadImage(
      data,
      plan,
      engineOptions({
        policy: { maxRetries: 4, baseDelayMs: 50, maxDelayMs: 400 },
        stallTimeoutMs: 1500,
        onRetry: (error) => run.retries.push(error),
        onPlan: (changed) => {
          run.plan = changed;
        },
        onProgress: (bytes) => {
          run.maxBytesDone = Math.max(run.maxBytesDone, bytes);
        },
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
    expect(run.error?.details).toEqual({
      reason: 'gave-up',
      retries: 4,
      last: { reason: 'unavailable' },
    });
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

  it('asks again from the same byte when a resume is answered with another range', async () => {
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
    expect(run.retries[1]?.details).toMatchObject({ reason: 'wrong-range' });
    // Nothing of the wrong answer was written, so the .part is still good: the next
    // request asks for the same bytes again.
    const ranges = rangesSent();
    expect(ranges).toHaveLength(3);
    expect(ranges[2]).toBe(ranges[1]);
    expect(resumedOffsets(ranges)[0]).toBeGreaterThan(20 * MiB);
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
    const { details } = run.error ?? {};
    expect(details).toMatchObject({
      reason: 'hash-mismatch',
      transfer: 'download',
      algorithm: 'sha512',
      expected: fixture.source.sha512,
    });
    const actual = details?.reason === 'hash-mismatch' ? details.actual : '';
    expect(actual).toMatch(/^[0-9a-f]{128}$/);
    expect(actual).not.toBe(fixture.source.sha512);
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
      expect(run.error?.details).toEqual({ reason: 'deactivated' });
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

/** Answers the image's GET with its JSON as Glance sends it, changed by `change` (`times` times). */
async function imageAnswered(
  target: Image,
  change: (raw: Record<string, unknown>) => Record<string, unknown>,
  times = 1,
): Promise<void> {
  const raw = await rawImage(target.id);
  fixture.proxy.addRule({
    match: new RegExp(`^GET /v2/images/${target.id}$`),
    fault: { kind: 'respond', status: 200, body: JSON.stringify(change(raw)) },
    times,
  });
}

/** The image JSON without any hash: the download can only learn one from Content-MD5. */
function withoutHashes(raw: Record<string, unknown>): Record<string, unknown> {
  const { checksum, os_hash_algo, os_hash_value, ...unhashed } = raw;
  expect([checksum, os_hash_algo, os_hash_value]).not.toContain(undefined);
  return unhashed;
}

describe('a server that lies about the data', () => {
  it('stops at the announced size when more bytes arrive, and keeps nothing', async () => {
    const announced = 10 * MiB;
    await imageAnswered(fixture.image, (raw) => ({ ...withoutHashes(raw), size: announced }));
    const run = await download(fixture.viaProxy, fixture.image);
    expect(run.error).toMatchObject({
      kind: 'integrity',
      details: { reason: 'too-many-bytes', expectedBytes: announced },
    });
    expect(run.retries).toEqual([]);
    expect(run.maxBytesDone).toBeLessThanOrEqual(announced);
    expect(await readdir(fixture.folder)).toEqual([]);
  });

  it('refuses a plan whose paths are not in its folder, before asking the cloud', async () => {
    const inner = join(fixture.folder, 'inner');
    await mkdir(inner);
    const finalPath = join(fixture.folder, 'escaped.raw');
    const plan = planFor(fixture.image, {
      folder: inner,
      finalPath,
      partPath: `${finalPath}.part`,
    });
    const run = await download(fixture.viaProxy, fixture.image, {}, plan);
    expect(run.error).toMatchObject({
      kind: 'validation',
      details: { reason: 'outside-folder', folder: inner, path: finalPath },
    });
    expect(fixture.proxy.requests).toEqual([]);
    expect(await readdir(fixture.folder)).toEqual(['inner']);
    expect(await readdir(inner)).toEqual([]);
  });
});

describe('resuming an image that declares no hash, and If-Range', () => {
  it('keeps the hash learned from Content-MD5 when a later run resumes the .part', async () => {
    await imageAnswered(fixture.image, withoutHashes, 2);
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'cut', afterBytes: 20 * MiB } });
    const first = await download(fixture.viaProxy, fixture.image, {
      policy: { maxRetries: 0, baseDelayMs: 50, maxDelayMs: 50 },
    });
    expect(first.error?.kind).toBe('network');
    expect(first.plan.expected).toEqual({
      algorithm: 'md5',
      value: fixture.source.md5,
      source: 'Content-MD5',
    });
    const kept = (await stat(first.partPath)).size;
    expect(kept).toBeGreaterThan(19 * MiB);

    fixture.proxy.requests.length = 0;
    const resumed = await download(fixture.viaProxy, fixture.image, {}, first.plan);
    expect(resumed.error).toBeUndefined();
    expect(rangesSent()).toEqual([`bytes=${kept}-`]);
    expect(resumed.result?.verification).toEqual({
      algorithm: 'md5',
      expected: fixture.source.md5,
      actual: fixture.source.md5,
      ok: true,
    });
  });
});

// Glance sends no ETag: the proxy answers for it, with parts of a small image of ASCII text
// (its answers are strings).
describe('If-Range with the ETag the server gave', () => {
  const text = Array.from({ length: 8000 }, (_, i) => `line ${i} of the text image\n`).join('');
  const changedText = text.replaceAll('line', 'LINE');
  const half = Math.floor(text.length / 2);
  let textImage: Image;
  beforeEach(async () => {
    textImage ??= await (async () => {
      const { id } = await uploadImage(bed, bed.admin, {
        name: `if-range ${randomUUID()}`,
        bytes: Buffer.from(text),
      });
      fixture.track(id);
      return fixture.adminGlance.getImage(id);
    })();
  });

  /** The next image-data request is answered 200 with `body` and these headers. */
  function answerData(body: string, headers: Record<string, string>, status = 200): void {
    fixture.proxy.addRule({
      match: fileRequest,
      fault: {
        kind: 'respond',
        status,
        headers: { 'content-type': 'application/octet-stream', ...headers },
        body,
      },
    });
  }

  /** A run that got the first half of the image with ETag "v1", then the connection ended. */
  async function halfWithEtag(image: Image = textImage): Promise<Run> {
    answerData(text.slice(0, half), { etag: '"v1"' });
    const run = await download(fixture.viaProxy, image, {
      policy: { maxRetries: 0, baseDelayMs: 50, maxDelayMs: 50 },
    });
    expect(run.error?.details).toMatchObject({
      reason: 'gave-up',
      last: { reason: 'connection-ended', receivedBytes: half, totalBytes: text.length },
    });
    expect(run.plan.etag).toBe('"v1"');
    expect((await stat(run.partPath)).size).toBe(half);
    fixture.proxy.requests.length = 0;
    return run;
  }

  function ifRangesSent(): string[] {
    return fixture.proxy.requests
      .filter((r) => fileRequest.test(`${r.method} ${r.path}`))
      .map((r) => r.headers['if-range'] ?? '');
  }

  it('sends the ETag with the resume, and goes on when the data did not change', async () => {
    const first = await halfWithEtag();
    const resumed = await download(fixture.viaProxy, textImage, {}, first.plan);
    expect(resumed.error).toBeUndefined();
    expect(rangesSent()).toEqual([`bytes=${half}-`]);
    expect(ifRangesSent()).toEqual(['"v1"']);
    expect(resumed.result?.verification?.ok).toBe(true);
  });

  it('keeps no weak ETag: If-Range takes only a strong one', async () => {
    answerData(text.slice(0, half), { etag: 'W/"v1"' });
    const first = await download(fixture.viaProxy, textImage, {
      policy: { maxRetries: 0, baseDelayMs: 50, maxDelayMs: 50 },
    });
    expect(first.plan.etag).toBeUndefined();
    fixture.proxy.requests.length = 0;
    const resumed = await download(fixture.viaProxy, textImage, {}, first.plan);
    expect(resumed.error).toBeUndefined();
    expect(rangesSent()).toEqual([`bytes=${half}-`]);
    expect(ifRangesSent()).toEqual(['']);
  });

  it('starts over cleanly when the server answers the If-Range with all of new data', async () => {
    const first = await halfWithEtag();
    answerData(text, { etag: '"v2"' });
    const resumed = await download(fixture.viaProxy, textImage, {}, first.plan);
    expect(resumed.error).toBeUndefined();
    expect(ifRangesSent()).toEqual(['"v1"']);
    expect(resumed.plan.etag).toBe('"v2"');
    expect(resumed.result?.bytes).toBe(text.length);
    expect(resumed.result?.verification?.ok).toBe(true);
  });

  it('starts over when a server ignores If-Range and sends a range of changed data', async () => {
    const first = await halfWithEtag();
    answerData(
      text.slice(half),
      { etag: '"v2"', 'content-range': `bytes ${half}-${text.length - 1}/${text.length}` },
      206,
    );
    const resumed = await download(fixture.viaProxy, textImage, {}, first.plan);
    expect(resumed.error).toBeUndefined();
    expect(resumed.retries[0]?.details).toEqual({ reason: 'data-changed' });
    expect(rangesSent()).toEqual([`bytes=${half}-`, '']);
    expect(resumed.result?.verification?.ok).toBe(true);
  });

  it('takes the new Content-MD5 when an image without a hash changed', async () => {
    await imageAnswered(textImage, withoutHashes, 2);
    answerData(text.slice(0, half), {
      etag: '"v1"',
      'content-md5': createHash('md5').update(text).digest('hex'),
    });
    const first = await download(fixture.viaProxy, textImage, {
      policy: { maxRetries: 0, baseDelayMs: 50, maxDelayMs: 50 },
    });
    expect(first.plan).toMatchObject({ etag: '"v1"', expected: { source: 'Content-MD5' } });

    const changedMd5 = createHash('md5').update(changedText).digest('hex');
    answerData(changedText, { etag: '"v2"', 'content-md5': changedMd5 });
    const resumed = await download(fixture.viaProxy, textImage, {}, first.plan);
    expect(resumed.error).toBeUndefined();
    expect(resumed.plan).toMatchObject({ etag: '"v2"', expected: { value: changedMd5 } });
    expect(resumed.result?.verification).toMatchObject({ expected: changedMd5, ok: true });
    expect(await readFile(resumed.finalPath, 'utf8')).toBe(changedText);
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

  it('a full disk stops with the .part kept, says what is missing, and resumes from it', async () => {
    mountTmpfs(mountPoint, '24m');
    const run = await download(fixture.viaProxy, fixture.image, {}, mountPoint);
    expect(run.error?.kind).toBe('filesystem');
    expect(run.retries).toEqual([]);
    expect(await readdir(mountPoint)).toEqual([basename(run.partPath)]);
    const kept = (await stat(run.partPath)).size;
    expect(kept).toBeGreaterThan(20 * MiB);
    expect(run.error?.details).toEqual({
      reason: 'disk-full',
      path: run.finalPath,
      quota: false,
      bytesNeeded: fixture.source.size - kept,
    });

    resizeTmpfs(mountPoint, '128m'); // space freed
    fixture.proxy.requests.length = 0;
    const resumed = await download(fixture.viaProxy, fixture.image, {}, run.plan);
    expect(resumed.error).toBeUndefined();
    expect(resumed.result?.verification?.ok).toBe(true);
    expect(rangesSent()).toEqual([`bytes=${kept}-`]);
    expect(await sha512Of(run.finalPath)).toBe(fixture.source.sha512);
    expect(await readdir(mountPoint)).toEqual([basename(run.finalPath)]);
  });

  it('a read-only folder fails before anything is written', async () => {
    mountTmpfs(mountPoint, '1m', true);
    const attempt = reserveDownloadTarget(mountPoint, 'disk.raw');
    await expect(attempt).rejects.toMatchObject({
      kind: 'filesystem',
      details: { reason: 'read-only', path: mountPoint },
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
    expect(error).toMatchObject({ kind: 'filesystem', details: { reason: 'read-only' } });
    expect(await readdir(mountPoint)).toEqual(['disk.raw.part']);
  });
});
