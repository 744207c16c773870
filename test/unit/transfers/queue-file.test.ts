import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueFile } from '../../../main/transfers/queue-file';

describe('QueueFile', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'queue-file-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gives a download saved before plans named their folder the transfer’s folder', async () => {
    const folder = join(dataDir, 'downloads');
    const transfer = { id: 't1', kind: 'download', folder, state: 'paused' };
    const plan = {
      imageId: 'img',
      imageName: 'disk',
      finalPath: join(folder, 'disk.raw'),
      partPath: join(folder, 'disk.raw.part'),
      expected: null,
    };
    const upload = { transfer: { id: 't2', kind: 'upload', folder }, plan: { sourcePath: 'x' } };
    await writeFile(
      join(dataDir, 'transfers.json'),
      JSON.stringify({ version: 1, transfers: [{ transfer, plan }, upload] }),
    );
    const [download, kept] = await new QueueFile(join(dataDir, 'transfers.json')).read();
    expect(download?.plan).toEqual({ ...plan, folder });
    expect(kept).toEqual(upload);
  });

  it('keeps the folder and ETag a newer plan has', async () => {
    const plan = {
      imageId: 'img',
      imageName: 'disk',
      folder: '/chosen',
      finalPath: '/chosen/disk.raw',
      partPath: '/chosen/disk.raw.part',
      expected: null,
      etag: '"v1"',
    };
    const transfer = { id: 't1', kind: 'download', folder: '/elsewhere' };
    await writeFile(
      join(dataDir, 'transfers.json'),
      JSON.stringify({ version: 1, transfers: [{ transfer, plan }] }),
    );
    const [download] = await new QueueFile(join(dataDir, 'transfers.json')).read();
    expect(download?.plan).toEqual(plan);
  });
});
