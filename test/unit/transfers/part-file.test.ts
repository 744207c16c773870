import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartFile } from '../../../main/transfers/part-file';

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('PartFile', () => {
  let folder: string;
  let part: PartFile | null;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'part-'));
    part = null;
  });
  afterEach(async () => {
    await part?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('writes up to maxSize bytes', async () => {
    const data = Buffer.alloc(300_000, 7);
    part = await PartFile.open(join(folder, 'x.part'), 'md5');
    await pipeline(
      Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
      part.sink(() => undefined, data.length),
    );
    expect(part.size).toBe(data.length);
    expect(await part.digest()).toBe(md5(data));
  });

  it('writes nothing past maxSize: the batch that would pass it fails the pipeline', async () => {
    const path = join(folder, 'x.part');
    part = await PartFile.open(path, 'md5');
    const written: number[] = [];
    // Each chunk is written on its own: the source waits for the sink before the next one.
    async function* chunks() {
      for (let i = 0; i < 10; i++) {
        yield Buffer.alloc(1000, i);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const error = await pipeline(
      Readable.from(chunks()),
      part.sink((size) => written.push(size), 2500),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'integrity',
      details: { reason: 'too-many-bytes', expectedBytes: 2500 },
    });
    await part.trim();
    expect(part.size).toBeLessThanOrEqual(2500);
    expect(Math.max(...written)).toBeLessThanOrEqual(2500);
    expect((await stat(path)).size).toBe(part.size);
  });

  it('does not follow a symbolic link put in place of the .part', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'outside-'));
    try {
      await symlink(join(outside, 'victim'), join(folder, 'x.part'));
      await expect(PartFile.open(join(folder, 'x.part'), 'md5')).rejects.toMatchObject({
        code: 'ELOOP',
      });
      expect(await readdir(outside)).toEqual([]);
      expect(
        await readFile(join(folder, 'x.part')).catch((e: NodeJS.ErrnoException) => e.code),
      ).toBe('ENOENT');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
