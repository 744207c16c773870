// The upload bandwidth limit against the real Glance: what an upload sends over 10 s stays
// within 10 % of the limit (the download side is in segmented.test.ts).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { BandwidthLimit } from '../../../main/transfers/token-bucket';
import { uploadImage } from '../../../main/transfers/upload';
import { dataFor, MiB, randomFile, type RandomFile } from './helpers';

const bed = inject('testbed');
const data = dataFor(bed, bed.admin);
let work = '';
let source: RandomFile;
const created: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'upload-limit-'));
  source = await randomFile(join(work, 'source.bin'), 48 * MiB);
});

afterAll(async () => {
  for (const id of created) await data.deleteImage(id).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

it('holds an upload to the limit, within 10 % over 10 s', async () => {
  const bytesPerSecond = 2 * MiB;
  const controller = new AbortController();
  const samples: { at: number; bytes: number }[] = [];
  const upload = uploadImage(
    data,
    {
      sourcePath: source.path,
      imageId: null,
      create: {
        name: `upload limit ${randomUUID()}`,
        disk_format: 'raw',
        container_format: 'bare',
      },
    },
    {
      signal: controller.signal,
      limit: new BandwidthLimit(bytesPerSecond),
      onProgress: (bytes) => samples.push({ at: performance.now(), bytes }),
      onVerifying: () => undefined,
      onPlan: (plan) => {
        if (plan.imageId !== null) created.push(plan.imageId);
      },
    },
  ).catch((error: unknown) => error);
  // From the first second of bytes on, for 10 s.
  const start = await new Promise<{ at: number; bytes: number }>((resolve) => {
    const wait = setInterval(() => {
      const first = samples.find((sample) => sample.bytes > 0);
      if (first !== undefined && performance.now() - first.at >= 1000) {
        clearInterval(wait);
        resolve(samples.at(-1) as { at: number; bytes: number });
      }
    }, 50);
  });
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const end = samples.at(-1) as { at: number; bytes: number };
  controller.abort();
  await upload;
  const rate = ((end.bytes - start.bytes) * 1000) / (end.at - start.at);
  expect(rate).toBeGreaterThan(0.9 * bytesPerSecond);
  expect(rate).toBeLessThan(1.1 * bytesPerSecond);
});
