import { createHash, randomBytes } from 'node:crypto';
import {
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  type FileHandle,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

  it('writes at any offset, and hashes the bytes from 0 it is told are complete', async () => {
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const path = join(folder, 'x.part');
    part = await PartFile.open(path, 'md5');
    // Two "connections": the second half first, then the first in two writes at once.
    await part.write([data.subarray(150_000)], 150_000);
    part.hashUpTo(0);
    await Promise.all([
      part.write([data.subarray(0, 50_000)], 0),
      part.write([data.subarray(50_000, 100_000), data.subarray(100_000, 150_000)], 50_000),
    ]);
    part.hashUpTo(100_000);
    expect(await part.digest()).toBe(md5(data.subarray(0, 100_000)));
    part.hashUpTo(data.length);
    expect(await part.digest()).toBe(md5(data));
    expect(await part.length()).toBe(data.length);
    expect(await readFile(path)).toEqual(data);
  });

  it('writes a long list of chunks in system calls of at most 256 KiB', async () => {
    const path = join(folder, 'x.part');
    part = await PartFile.open(path, 'md5');
    const probe = await open(join(folder, 'probe'), 'w');
    const writev = vi.spyOn(Object.getPrototypeOf(probe) as FileHandle, 'writev');
    await probe.close();
    const data = randomBytes(900_010);
    const chunks = [
      data.subarray(0, 300_000),
      data.subarray(300_000, 300_010),
      data.subarray(300_010),
    ];
    await part.write(chunks, 5);
    const sizes = writev.mock.calls.map(([buffers]) =>
      buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0),
    );
    writev.mockRestore();
    expect(sizes).toEqual([262_144, 262_144, 262_144, 113_578]);
    expect((await readFile(path)).subarray(5)).toEqual(data);
  });

  it('starts over after a reset, and cuts to a length', async () => {
    const path = join(folder, 'x.part');
    part = await PartFile.open(path, 'md5');
    await part.write([Buffer.alloc(1000, 1)], 0);
    part.hashUpTo(1000);
    await part.reset('sha512');
    expect(await part.length()).toBe(0);
    await part.write([Buffer.from('abc'), Buffer.from('def')], 0);
    part.hashUpTo(6);
    expect(await part.digest()).toBe(createHash('sha512').update('abcdef').digest('hex'));
    await part.truncate(3);
    expect((await stat(path)).size).toBe(3);
  });

  it('flushes in the background once 64 MiB were written since the last flush', async () => {
    part = await PartFile.open(join(folder, 'x.part'), 'md5');
    const block = Buffer.alloc(16 << 20);
    for (let i = 0; i < 3; i++) await part.write([block], i * block.length);
    expect(part.flushIfDue()).toBeNull();
    await part.write([block], 3 * block.length);
    const flush = part.flushIfDue();
    expect(flush).not.toBeNull();
    expect(part.flushIfDue()).toBeNull(); // one at a time, and the count started again
    await flush;
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
