import { createHash, getHashes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Image } from '../../common/image';
import { fileSystemError } from './fs-errors';

export interface ExpectedHash {
  /** A node:crypto algorithm name: 'sha512', 'md5', … */
  algorithm: string;
  /** Lower-case hex. */
  value: string;
  /** Where the value came from, for the user: the image's multihash, its checksum, or the response. */
  source: 'os_hash_value' | 'checksum' | 'Content-MD5';
}

const supported = new Set(getHashes());

/**
 * The strongest hash an image declares, in the order glanceclient checks them: the
 * multihash (`os_hash_value`, algorithm `os_hash_algo`, sha512 when unnamed), then the md5
 * `checksum`. Null when the image has neither (then the response's Content-MD5 is used).
 */
export function expectedHashOf(
  image: Pick<Image, 'os_hash_algo' | 'os_hash_value' | 'checksum'>,
): ExpectedHash | null {
  const algorithm = (image.os_hash_algo ?? 'sha512').toLowerCase();
  if (image.os_hash_value && supported.has(algorithm)) {
    return { algorithm, value: image.os_hash_value.toLowerCase(), source: 'os_hash_value' };
  }
  if (image.checksum) {
    return { algorithm: 'md5', value: image.checksum.toLowerCase(), source: 'checksum' };
  }
  return null;
}

/**
 * Content-MD5 is base64 by RFC 1864; Glance sends the hex checksum. Accept both; anything
 * else is no md5 at all (null), not a value no download could ever match.
 */
export function expectedFromContentMd5(header: string): ExpectedHash | null {
  let value: string | null = null;
  if (/^[0-9a-f]{32}$/i.test(header)) value = header.toLowerCase();
  else if (/^[A-Za-z0-9+/]{22}(==)?$/.test(header)) {
    value = Buffer.from(header, 'base64').toString('hex');
  }
  return value === null ? null : { algorithm: 'md5', value, source: 'Content-MD5' };
}

/** Several hashes of one byte stream at once. */
export class MultiHash {
  private readonly hashes: Map<string, Hash>;

  constructor(algorithms: readonly string[]) {
    this.hashes = new Map(algorithms.map((algorithm) => [algorithm, createHash(algorithm)]));
  }

  update(chunk: Uint8Array): void {
    for (const hash of this.hashes.values()) hash.update(chunk);
  }

  /** Hex digests by algorithm; the hash cannot be updated afterwards. */
  digest(): Record<string, string> {
    return Object.fromEntries([...this.hashes].map(([name, hash]) => [name, hash.digest('hex')]));
  }
}

/** The hex digests of a file's content by algorithm, reading it through once. */
export async function hashFile(
  path: string,
  algorithms: readonly string[],
): Promise<Record<string, string>> {
  const hashes = new MultiHash(algorithms);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      hashes.update(chunk as Buffer);
    }
  } catch (error) {
    throw fileSystemError(error, path);
  }
  return hashes.digest();
}
