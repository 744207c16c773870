import { describe, expect, it } from 'vitest';
import { expectedFromContentMd5, expectedHashOf } from '../../../main/transfers/hashing';

const md5 = '9e107d9d372bb6826bd81d3542a419d6';

describe('expectedHashOf: the strongest hash, in glanceclient’s order', () => {
  it('prefers the multihash, sha512 when the algorithm is not named', () => {
    expect(expectedHashOf({ os_hash_algo: null, os_hash_value: 'AB12', checksum: md5 })).toEqual({
      algorithm: 'sha512',
      value: 'ab12',
      source: 'os_hash_value',
    });
    expect(
      expectedHashOf({ os_hash_algo: 'SHA256', os_hash_value: 'cd34', checksum: md5 }),
    ).toMatchObject({ algorithm: 'sha256', value: 'cd34' });
  });

  it('falls back to the md5 checksum without a multihash, or with an algorithm Node lacks', () => {
    const fallback = { algorithm: 'md5', value: md5, source: 'checksum' };
    expect(expectedHashOf({ os_hash_algo: null, os_hash_value: null, checksum: md5 })).toEqual(
      fallback,
    );
    expect(
      expectedHashOf({ os_hash_algo: 'whirlpool-9000', os_hash_value: 'ef', checksum: md5 }),
    ).toEqual(fallback);
  });

  it('has nothing for an image without hashes (the Content-MD5 header is used then)', () => {
    expect(expectedHashOf({ os_hash_algo: null, os_hash_value: null, checksum: null })).toBeNull();
  });
});

describe('expectedFromContentMd5', () => {
  it('accepts Glance’s hex value and RFC 1864 base64', () => {
    expect(expectedFromContentMd5(md5.toUpperCase())?.value).toBe(md5);
    expect(expectedFromContentMd5(Buffer.from(md5, 'hex').toString('base64'))).toEqual({
      algorithm: 'md5',
      value: md5,
      source: 'Content-MD5',
    });
  });

  it('takes anything else for no md5 at all, not for a value nothing could match', () => {
    for (const header of ['', 'garbage', md5.slice(1), `${md5}00`, 'AAAA', '../../x']) {
      expect(expectedFromContentMd5(header)).toBeNull();
    }
  });
});
