// The seed helpers' pure parts: the image specs tests rely on, and random files with their hashes.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandomFile, seedImageSpec } from '../testbed/seed';

describe('seedImageSpec', () => {
  it('is deterministic, with zero-padded names and the prefix as a tag', () => {
    expect(seedImageSpec('p', 7)).toEqual(seedImageSpec('p', 7));
    expect(seedImageSpec('p', 7)).toMatchObject({ name: 'p-00007', tags: ['p', 'odd'] });
    expect(seedImageSpec('p', 12345).name).toBe('p-12345');
  });

  it('varies formats, visibility, sizes and Huawei-style properties across a batch', () => {
    const batch = Array.from({ length: 20 }, (_, i) => seedImageSpec('p', i));
    expect(new Set(batch.map((s) => s.disk_format))).toEqual(
      new Set(['qcow2', 'raw', 'iso', 'vmdk']),
    );
    expect(batch.filter((s) => s.visibility === 'shared').map((s) => s.name)).toEqual([
      'p-00009',
      'p-00019',
    ]);
    expect(new Set(batch.map((s) => s.properties.__os_version)).size).toBe(4);
    expect(batch.map((s) => s.data.length)).toEqual(batch.map((_, i) => 1024 + i));
    expect(batch[3]?.data.subarray(0, 8).toString()).toBe('p-00003\n');
  });
});

describe('createRandomFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glance-desk-random-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly `size` random bytes and returns their md5 and sha512', async () => {
    const size = 2 * 1024 * 1024 + 3; // more than one chunk, not a multiple of it
    const file = join(dir, 'a.bin');
    const hashes = await createRandomFile(file, size);
    const content = await readFile(file);
    expect(content.length).toBe(size);
    expect(hashes.md5).toBe(createHash('md5').update(content).digest('hex'));
    expect(hashes.sha512).toBe(createHash('sha512').update(content).digest('hex'));
    const again = await createRandomFile(join(dir, 'b.bin'), size);
    expect(again.md5).not.toBe(hashes.md5);
  });

  it('writes an empty file for size 0', async () => {
    const hashes = await createRandomFile(join(dir, 'empty.bin'), 0);
    expect((await readFile(join(dir, 'empty.bin'))).length).toBe(0);
    expect(hashes.md5).toBe(createHash('md5').digest('hex'));
  });
});
