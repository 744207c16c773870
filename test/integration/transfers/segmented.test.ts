// Segmented downloads against the real Glance, through the fault proxy: several range
// requests at once, cut mid-range, a slow connection whose rest is split off, a restart
// that keeps every segment's progress, a server that answers ranges with 200, small
// images on one connection, and the bandwidth limit shared by every download.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AppError } from '../../../common/errors';
import type { Image } from '../../../common/image';
import type { DownloadConnections, Transfer } from '../../../common/transfer';
import {
  downloadImage,
  type DownloadOptions,
  type DownloadPlan,
  type DownloadResult,
} from '../../../main/transfers/download';
import { reserveDownloadTarget, safeFileName } from '../../../main/transfers/file-names';
import { TransferQueue } from '../../../main/transfers/queue';
import { isSegmentList, type Segment } from '../../../main/transfers/segments';
import { BandwidthLimit } from '../../../main/transfers/token-bucket';
import {
  dataFor,
  imageWithData,
  MiB,
  randomFile,
  sha512Of,
  useProxiedImage,
  type RandomFile,
} from './helpers';

const bed = inject('testbed');
const fileRequest = /^GET \/v2\/images\/[^/]+\/file$/;
const size = 80 * MiB;

const fixture = useProxiedImage(bed, size, { name: 'segmented test', disk_format: 'raw' });

afterEach(() => {
  expect(fixture.proxy.pendingRules(), 'every injected fault was used').toBe(0);
});

interface Run {
  result?: DownloadResult;
  error?: AppError;
  retries: AppError[];
  plan: DownloadPlan;
  connections: DownloadConnections[];
}

async function planIn(folder: string, image: Image = fixture.image): Promise<DownloadPlan> {
  const target = await reserveDownloadTarget(
    folder,
    safeFileName(image.name, image.disk_format, image.id),
  );
  return { imageId: image.id, imageName: image.name ?? '', ...target, expected: null };
}

async function download(
  options: Partial<DownloadOptions> = {},
  plan?: DownloadPlan,
  image: Image = fixture.image,
): Promise<Run> {
  const start = plan ?? (await planIn(fixture.folder, image));
  const run: Run = { retries: [], plan: start, connections: [] };
  try {
    run.result = await downloadImage(fixture.viaProxy, start, {
      signal: new AbortController().signal,
      policy: { maxRetries: 4, baseDelayMs: 50, maxDelayMs: 400 },
      stallTimeoutMs: 5000,
      connections: 4,
      onProgress: () => undefined,
      onRetry: (error) => run.retries.push(error),
      onVerifying: () => undefined,
      onPlan: (changed) => {
        run.plan = changed;
      },
      onConnections: (connections) => run.connections.push(connections),
      ...options,
    });
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

/** [first, last] byte of a `bytes=a-b` header (last: null for `bytes=a-`). */
function parseRange(range: string): [number, number | null] {
  const [, first = '', last = ''] = /^bytes=(\d+)-(\d*)$/.exec(range) ?? [];
  return [Number(first), last === '' ? null : Number(last)];
}

/** No range asked for since the requests were cleared overlaps what `saved` says is there. */
function expectNothingAskedTwice(saved: Segment[]): void {
  for (const [from, last] of rangesSent().map(parseRange)) {
    for (const segment of saved) {
      const overlaps = from < segment.start + segment.done && (last ?? size - 1) >= segment.start;
      expect(overlaps, `bytes ${from}-${last} were already there`).toBe(false);
    }
  }
}

async function expectVerifiedFile(run: Run, source: RandomFile = fixture.source): Promise<void> {
  expect(run.error).toBeUndefined();
  expect(run.result?.verification).toMatchObject({ algorithm: 'sha512', ok: true });
  const path = run.result?.path ?? '';
  expect((await stat(path)).size).toBe(source.size);
  expect(await sha512Of(path)).toBe(source.sha512);
  expect((await readdir(fixture.folder)).filter((name) => name.endsWith('.part'))).toEqual([]);
}

describe('segmented downloads', () => {
  it('fetches ranges on four connections at once into one verified file', async () => {
    const run = await download();
    await expectVerifiedFile(run);
    expect(run.connections).toEqual([{ count: 4 }]);
    const ranges = rangesSent().map(parseRange);
    // Ranges that, together, cover the image from 0 to its end (the last one open-ended).
    let covered = 0;
    for (const [first, last] of [...ranges].sort((a, b) => a[0] - b[0])) {
      expect(first).toBeLessThanOrEqual(covered);
      covered = Math.max(covered, (last ?? size - 1) + 1);
    }
    expect(covered).toBe(size);
    expect(ranges.length).toBeGreaterThanOrEqual(4);
  });

  it('stays byte-identical when connections are cut in the middle of their ranges', async () => {
    fixture.proxy.addRule({
      match: fileRequest,
      fault: { kind: 'cut', afterBytes: 3 * MiB },
      times: 3,
    });
    const run = await download();
    await expectVerifiedFile(run);
    expect(run.retries.map((e) => e.details?.reason)).toEqual([
      'connection-dropped',
      'connection-dropped',
      'connection-dropped',
    ]);
    // Each resumed range starts past the bytes that arrived before the cut.
    const ranges = rangesSent().map(parseRange);
    const resumed = ranges.filter(([first]) => first % (16 * MiB) !== 0);
    expect(resumed.length).toBeGreaterThanOrEqual(3);
  });

  it('gives half of a stalled connection’s rest to a free one', async () => {
    // The first range stalls after 1 MiB for 15 s; the stall timeout is longer.
    fixture.proxy.addRule({
      match: fileRequest,
      fault: { kind: 'stall', afterBytes: MiB, ms: 15_000 },
    });
    const run = await download({ connections: 2, stallTimeoutMs: 30_000 });
    await expectVerifiedFile(run);
    const stalled = fixture.proxy.requests.find((r) => r.fault === 'stall');
    const [from, last] = parseRange(stalled?.headers.range ?? '');
    expect(last).toBe(from + 16 * MiB - 1);
    // A later request fetches the second half of what the stalled one had left, up to its end.
    const split = rangesSent()
      .map(parseRange)
      .find(([start, end]) => end === last && start > from + 4 * MiB);
    expect(split).toBeDefined();
    // The stalled one, cut at last, is retried for the bytes before the split only.
    expect(run.retries.map((e) => e.details?.reason)).toEqual(['connection-dropped']);
  });

  it('keeps every segment’s progress across a restart, and fetches only what is missing', async () => {
    const controller = new AbortController();
    let stopped = false;
    const first = await download({
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes > 40 * MiB && !stopped) {
          stopped = true;
          controller.abort();
        }
      },
    });
    expect(first.error?.kind).toBe('cancelled');
    const saved = first.plan.segments as Segment[];
    expect(isSegmentList(saved, size)).toBe(true);
    const done = saved.reduce((sum, s) => sum + s.done, 0);
    expect(done).toBeGreaterThan(40 * MiB);
    expect(saved.filter((s) => s.done > 0 && s.done < s.end - s.start).length).toBeGreaterThan(0);

    fixture.proxy.requests.length = 0;
    const second = await download({}, first.plan);
    await expectVerifiedFile(second);
    expectNothingAskedTwice(saved);
  });

  it('uses one connection, and says why, when the server answers a range with 200', async () => {
    fixture.proxy.addRule({ match: fileRequest, fault: { kind: 'drop-range' } });
    const run = await download();
    await expectVerifiedFile(run);
    expect(run.connections.at(-1)).toEqual({ count: 1, oneBecause: 'no-ranges' });
    expect(rangesSent().at(-1)).toBe('');
  });

  it('uses one connection for an image under 64 MiB, and says why', async () => {
    const small = await randomFile(join(fixture.work, 'small.bin'), 3 * MiB);
    const image = await imageWithData(bed, fixture.adminGlance, small, {
      name: `segmented small ${Date.now()}`,
    });
    fixture.track(image.id);
    const run = await download({}, undefined, image);
    await expectVerifiedFile(run, small);
    expect(run.connections).toEqual([{ count: 1, oneBecause: 'small-image' }]);
    expect(rangesSent()).toEqual(['']);
  });
});

describe('the bandwidth limit', () => {
  it('holds all downloads together to the limit, within 10 % over 10 s', async () => {
    const bytesPerSecond = 3 * MiB;
    const limit = new BandwidthLimit(bytesPerSecond);
    const controller = new AbortController();
    const done = [0, 0];
    const samples: { at: number; bytes: number }[] = [];
    const note = (which: number) => (bytes: number) => {
      done[which] = bytes;
      samples.push({ at: performance.now(), bytes: (done[0] ?? 0) + (done[1] ?? 0) });
    };
    const second = dataFor(bed, bed.admin, fixture.proxy.url);
    const runs = [
      download({ signal: controller.signal, limit, onProgress: note(0) }),
      downloadImage(second, await planIn(fixture.folder), {
        signal: controller.signal,
        policy: { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 50 },
        stallTimeoutMs: 30_000,
        connections: 4,
        limit,
        onProgress: note(1),
        onRetry: () => undefined,
        onVerifying: () => undefined,
        onPlan: () => undefined,
      }).catch((error: unknown) => error),
    ];
    // Measure from the first second on (connections opened) for 10 s, then stop both.
    const start = await new Promise<{ at: number; bytes: number }>((resolve) => {
      const wait = setInterval(() => {
        const first = samples[0];
        if (first !== undefined && performance.now() - first.at >= 1000) {
          clearInterval(wait);
          resolve(samples.at(-1) as { at: number; bytes: number });
        }
      }, 50);
    });
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const end = samples.at(-1) as { at: number; bytes: number };
    controller.abort();
    await Promise.all(runs);
    const rate = ((end.bytes - start.bytes) * 1000) / (end.at - start.at);
    expect(rate).toBeGreaterThan(0.9 * bytesPerSecond);
    expect(rate).toBeLessThan(1.1 * bytesPerSecond);
  });
});

describe('through the queue', () => {
  let dataDir = '';
  beforeEach(async () => {
    dataDir = join(fixture.folder, 'data');
  });

  function openQueue(): Promise<TransferQueue> {
    return TransferQueue.open({
      dataDir,
      clientFor: async () => fixture.viaProxy,
      connectionsFor: () => 4,
      retry: { maxRetries: 3, baseDelayMs: 50, maxDelayMs: 200 },
      eventIntervalMs: 50,
    });
  }

  function waitFor(queue: TransferQueue, id: string, done: (t: Transfer) => boolean) {
    return new Promise<Transfer>((resolve) => {
      const check = () => {
        const transfer = queue.get(id);
        if (done(transfer)) {
          stop();
          resolve(transfer);
        }
      };
      const stop = queue.onChange(check);
      check();
    });
  }

  it('resumes every segment after the app quits mid-download, and says it used 4', async () => {
    const first = await openQueue();
    const {
      transfers: [queued],
    } = await first.enqueueDownloads({
      profileId: 'bed',
      imageIds: [fixture.image.id],
      folder: fixture.folder,
    });
    const id = queued?.id ?? '';
    const running = await waitFor(first, id, (t) => t.bytesDone > 30 * MiB);
    expect(running.connections).toEqual({ count: 4 });
    await first.close();
    const file = JSON.parse(await readFile(join(dataDir, 'transfers.json'), 'utf8')) as {
      transfers: { plan: { segments: Segment[] } }[];
    };
    const saved = file.transfers[0]?.plan.segments ?? [];
    expect(isSegmentList(saved, size)).toBe(true);
    expect(saved.reduce((sum, segment) => sum + segment.done, 0)).toBeGreaterThan(30 * MiB);

    fixture.proxy.requests.length = 0;
    const second = await openQueue();
    try {
      const finished = await waitFor(second, id, (t) => t.state === 'done' || t.state === 'failed');
      expect(finished.state).toBe('done');
      expect(finished.verification?.ok).toBe(true);
      expect(await sha512Of(finished.path)).toBe(fixture.source.sha512);
      expectNothingAskedTwice(saved);
    } finally {
      await second.close();
    }
  });
});
