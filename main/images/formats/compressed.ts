/** Compressed files, told by their magic numbers: Glance stores them as they are. */
import type { CompressedFile, CompressionFormat } from '../../../common/disk-image';

const magics: [CompressionFormat, number[]][] = [
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  // 'BZh' then the block size, '1' to '9': checked below.
  ['bzip2', [0x42, 0x5a, 0x68]],
  // 'PK' then a local file header (3 4), an empty archive's end record (5 6) or a spanned archive's marker (7 8).
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['zip', [0x50, 0x4b, 0x07, 0x08]],
];

const startsWith = (start: Buffer, magic: number[]): boolean =>
  start.length >= magic.length && magic.every((byte, i) => start[i] === byte);

/** The compression the first bytes announce, if any. */
export function compressionOf(start: Buffer): CompressionFormat | null {
  for (const [format, magic] of magics) {
    if (!startsWith(start, magic)) continue;
    const blockSize = start[3] ?? 0;
    if (format === 'bzip2' && !(blockSize >= 0x31 && blockSize <= 0x39)) continue;
    return format;
  }
  return null;
}

export function compressedFile(format: CompressionFormat, fileSize: number): CompressedFile {
  return { format, fileSize, refuse: [], warn: ['compressed'], virtualSize: null };
}
