// What an upload compares with what Glance stored: the sha512 computed as the bytes went,
// or, where the cloud's multihash is another algorithm (or it reports only md5), that hash
// computed from the file afterwards.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '../../../common/image';
import { hashFile } from '../../../main/transfers/hashing';
import { verifyStored } from '../../../main/transfers/upload';

const data = randomBytes(300_000);
const hex = (algorithm: string, bytes: Buffer = data) =>
  createHash(algorithm).update(bytes).digest('hex');
let folder = '';
let path = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'verify-'));
  path = join(folder, 'disk.raw');
  await writeFile(path, data);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const stored = (fields: Partial<Image>) =>
  ({ id: 'i', name: 'disk', size: data.length, ...fields }) as Image;
const sent = { bytes: data.length, hashes: { sha512: hex('sha512') } };

describe('verifyStored', () => {
  it('checks the sha512 sent against Glance’s multihash, without reading the file again', async () => {
    const image = stored({
      checksum: hex('md5'),
      os_hash_algo: 'sha512',
      os_hash_value: hex('sha512'),
    });
    expect(await verifyStored(image, sent, data.length, join(folder, 'gone'))).toEqual({
      algorithm: 'sha512',
      expected: hex('sha512'),
      actual: hex('sha512'),
      ok: true,
    });
  });

  it('computes another multihash (sha256) from the file, and still catches a difference', async () => {
    const image = stored({
      checksum: hex('md5'),
      os_hash_algo: 'sha256',
      os_hash_value: hex('sha256'),
    });
    expect(await verifyStored(image, sent, data.length, path)).toMatchObject({
      algorithm: 'sha256',
      ok: true,
    });
    const other = stored({
      os_hash_algo: 'sha256',
      os_hash_value: hex('sha256', Buffer.from('x')),
    });
    await expect(verifyStored(other, sent, data.length, path)).rejects.toMatchObject({
      kind: 'integrity',
      details: { reason: 'hash-mismatch', algorithm: 'sha256' },
    });
  });

  it('falls back to md5 from the file where Glance reports only the checksum', async () => {
    const image = stored({ checksum: hex('md5'), os_hash_algo: null, os_hash_value: null });
    expect(await verifyStored(image, sent, data.length, path)).toMatchObject({
      algorithm: 'md5',
      ok: true,
    });
  });

  it('says when a file it must read again cannot be read', async () => {
    const image = stored({ checksum: hex('md5'), os_hash_algo: null, os_hash_value: null });
    await expect(
      verifyStored(image, sent, data.length, join(folder, 'gone')),
    ).rejects.toMatchObject({ kind: 'filesystem', details: { reason: 'path-missing' } });
  });
});

describe('hashFile', () => {
  it('hashes a file with several algorithms in one read', async () => {
    expect(await hashFile(path, ['md5', 'sha256'])).toEqual({
      md5: hex('md5'),
      sha256: hex('sha256'),
    });
  });
});
