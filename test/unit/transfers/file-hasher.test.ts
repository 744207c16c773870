import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../common/errors';
import { FileHasher } from '../../../main/transfers/file-hasher';

const hex = (algorithm: string, ...parts: Buffer[]) => {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

describe('FileHasher: the hash of a growing file, in a worker thread', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-hasher-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function openFile() {
    const handle = await open(join(dir, 'image.part'), 'w+');
    const hasher = new FileHasher(handle.fd, 'sha512');
    return {
      handle,
      hasher,
      async [Symbol.asyncDispose]() {
        await hasher.close();
        await handle.close();
      },
    };
  }

  it('hashes exactly the bytes it was told are final, across several appends (3 MiB + a tail)', async () => {
    await using file = await openFile();
    const first = randomBytes(3 << 20);
    const second = randomBytes(12345);
    await file.handle.write(first, 0, first.length, 0);
    file.hasher.extend(first.length);
    expect(await file.hasher.digest()).toBe(hex('sha512', first));
    await file.handle.write(second, 0, second.length, first.length);
    await file.handle.write(Buffer.from('not final yet'), 0, 13, first.length + second.length);
    file.hasher.extend(first.length + second.length);
    expect(await file.hasher.digest()).toBe(hex('sha512', first, second));
  });

  it('starts over after a reset, with another algorithm if given', async () => {
    await using file = await openFile();
    const bytes = randomBytes(4096);
    await file.handle.write(bytes, 0, bytes.length, 0);
    file.hasher.extend(bytes.length);
    file.hasher.reset('md5');
    expect(await file.hasher.digest()).toBe(hex('md5'));
    file.hasher.extend(100);
    expect(await file.hasher.digest()).toBe(hex('md5', bytes.subarray(0, 100)));
  });

  it('reports a file cut short by something else as an integrity error', async () => {
    await using file = await openFile();
    await file.handle.write(randomBytes(1000), 0, 1000, 0);
    file.hasher.extend(5000);
    const error: unknown = await file.hasher.digest().catch((e: unknown) => e);
    expect(isAppError(error) && error.kind).toBe('integrity');
    expect(isAppError(error) && error.details).toEqual({
      reason: 'part-cut-short',
      actualBytes: 1000,
    });
  });

  it('passes on a read error with its code, and refuses to answer once closed', async () => {
    const folder = await open(dir, 'r'); // reading a folder fails with EISDIR
    const hasher = new FileHasher(folder.fd, 'sha512');
    hasher.extend(10);
    await expect(hasher.digest()).rejects.toMatchObject({ code: 'EISDIR' });
    await hasher.close();
    await folder.close();
    await expect(hasher.digest()).rejects.toThrow('The hashing thread stopped.');
  });
});
