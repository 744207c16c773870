/**
 * qcow2 (qemu's docs/interop/qcow2.txt): the header, its extensions in the first cluster,
 * and the backing file name, with the limits qemu 7 applies when it opens the image.
 */
import type { Qcow2Image, RefuseReason, WarnReason } from '../../../common/disk-image';
import {
  checkTableInside,
  HeaderBytes,
  HeaderDamage,
  headerText,
  maxReadBytes,
  safeNumber,
  type HeaderReader,
} from '../header-reader';

export const qcow2Magic = Buffer.from([0x51, 0x46, 0x49, 0xfb]); // 'QFI\xfb'

const version2HeaderBytes = 72;
const version3HeaderBytes = 104;

const incompatible = { dirty: 0, corrupt: 1, dataFile: 2, compression: 3, extendedL2: 4 };
const knownIncompatibleBits = 5;
const lazyRefcountsBit = 0n;
const rawDataFileBit = 1n;

const extension = {
  end: 0,
  backingFormat: 0xe2792aca,
  dataFile: 0x44415441,
};

/** Where an L1 entry's L2 table is (bits 9-55), and a refcount table entry's block (bits 9-63). */
const l1OffsetMask = 0x00ff_ffff_ffff_fe00n;
const refcountOffsetMask = 0xffff_ffff_ffff_fe00n;

/** qemu reads at most 1023 bytes of backing file name. */
const maxBackingNameBytes = 1023;

interface Extensions {
  backingFormat: string | null;
  dataFile: string | null;
}

const bit = (value: bigint, n: number | bigint): boolean => ((value >> BigInt(n)) & 1n) === 1n;

/** The header extensions between the header and `end` (qemu: the backing name or the first cluster's end). */
function readExtensions(area: HeaderBytes): Extensions {
  const found: Extensions = { backingFormat: null, dataFile: null };
  let offset = 0;
  while (offset + 8 <= area.length) {
    const type = area.u32be(offset);
    const length = area.u32be(offset + 4);
    if (type === extension.end) break;
    if (offset + 8 + length > area.length) throw new HeaderDamage('malformed', 'header_extension');
    const data = area.bytes(offset + 8, length);
    if (type === extension.backingFormat) found.backingFormat = headerText(data, 'utf8');
    if (type === extension.dataFile) found.dataFile = headerText(data, 'utf8');
    offset += 8 + Math.ceil(length / 8) * 8;
  }
  return found;
}

/** The highest slot of a byte holding sub-byte refcounts (bit 0 is the least significant) that is not 0. */
function highestSlotInUse(byte: number, bits: number): number {
  const mask = (1 << bits) - 1;
  for (let slot = 8 / bits - 1; slot > 0; slot--) {
    if (((byte >> (slot * bits)) & mask) !== 0) return slot;
  }
  return 0;
}

/**
 * 'truncated' damage unless the last cluster in use starts inside the file. The refcounts
 * count every cluster in use, data included, so a file cut short (a download that stopped)
 * shows in its last refcount block: one cluster read.
 */
async function checkLastClusterInside(
  reader: HeaderReader,
  refcountTable: { offset: number; entries: number },
  clusterSize: number,
  refcountBits: number,
): Promise<void> {
  const tableBytes = refcountTable.entries * 8;
  if (tableBytes === 0 || tableBytes > maxReadBytes) return;
  const table = await reader.read(refcountTable.offset, tableBytes, 'refcount_table');
  let blockIndex = refcountTable.entries - 1;
  while (blockIndex >= 0 && (table.u64be(blockIndex * 8) & refcountOffsetMask) === 0n) blockIndex--;
  if (blockIndex < 0) return;
  const blockOffset = safeNumber(
    table.u64be(blockIndex * 8) & refcountOffsetMask,
    'refcount_table',
  );
  const block = (await reader.read(blockOffset, clusterSize, 'refcount_block')).buffer;
  let lastByte = block.length - 1;
  while (lastByte >= 0 && block[lastByte] === 0) lastByte--;
  if (lastByte < 0) return;
  const lastEntry =
    refcountBits >= 8
      ? Math.floor(lastByte / (refcountBits / 8))
      : lastByte * (8 / refcountBits) + highestSlotInUse(block[lastByte] ?? 0, refcountBits);
  const lastCluster = blockIndex * ((clusterSize * 8) / refcountBits) + lastEntry;
  if (lastCluster * clusterSize >= reader.size) throw new HeaderDamage('truncated', 'clusters');
}

export async function inspectQcow2(reader: HeaderReader): Promise<Qcow2Image> {
  const start = await reader.read(0, version2HeaderBytes, 'header');
  const version = start.u32be(4);
  if (version !== 2 && version !== 3) throw new HeaderDamage('malformed', 'version');
  const header = version === 3 ? await reader.read(0, version3HeaderBytes, 'header') : start;

  const clusterBits = header.u32be(20);
  if (clusterBits < 9 || clusterBits > 21) throw new HeaderDamage('malformed', 'cluster_bits');
  const clusterSize = 2 ** clusterBits;
  const virtualSize = safeNumber(header.u64be(24), 'size');
  const cryptMethod = header.u32be(32);
  if (cryptMethod > 2) throw new HeaderDamage('malformed', 'crypt_method');

  const incompatibleBits = version === 3 ? header.u64be(72) : 0n;
  const compatibleBits = version === 3 ? header.u64be(80) : 0n;
  const autoclearBits = version === 3 ? header.u64be(88) : 0n;
  const refcountOrder = version === 3 ? header.u32be(96) : 4;
  if (refcountOrder > 6) throw new HeaderDamage('malformed', 'refcount_order');
  const headerLength = version === 3 ? header.u32be(100) : version2HeaderBytes;
  if (headerLength < (version === 3 ? version3HeaderBytes : version2HeaderBytes)) {
    throw new HeaderDamage('malformed', 'header_length');
  }
  if (headerLength > clusterSize) throw new HeaderDamage('malformed', 'header_length');

  let compression: Qcow2Image['compression'] = 'zlib';
  if (headerLength > version3HeaderBytes) {
    const type = (await reader.read(104, 1, 'header')).u8(0);
    if (type > 1 || (type !== 0) !== bit(incompatibleBits, incompatible.compression)) {
      throw new HeaderDamage('malformed', 'compression_type');
    }
    if (type === 1) compression = 'zstd';
  } else if (bit(incompatibleBits, incompatible.compression)) {
    throw new HeaderDamage('malformed', 'compression_type');
  }

  const backingOffset = safeNumber(header.u64be(8), 'backing_file_offset');
  const backingLength = header.u32be(16);
  if (backingOffset > clusterSize) throw new HeaderDamage('malformed', 'backing_file_offset');
  if (
    backingOffset !== 0 &&
    backingLength > Math.min(maxBackingNameBytes, clusterSize - backingOffset)
  ) {
    throw new HeaderDamage('malformed', 'backing_file_size');
  }
  const backingFile =
    backingOffset === 0
      ? null
      : headerText(
          (await reader.read(backingOffset, backingLength, 'backing_file')).buffer,
          'utf8',
        );

  // Extensions end where the backing file name starts, or with the first cluster; past the
  // end of a short file qemu reads zeros, which end the list.
  const extensionsEnd = backingOffset === 0 ? clusterSize : backingOffset;
  const extensions =
    extensionsEnd > headerLength
      ? readExtensions(
          new HeaderBytes(
            await reader.readUpTo(headerLength, extensionsEnd - headerLength),
            'header_extension',
          ),
        )
      : { backingFormat: null, dataFile: null };

  await checkTableInside(reader, {
    offset: safeNumber(header.u64be(40), 'l1_table_offset'),
    entries: header.u32be(36),
    entryBytes: 8,
    target: (table, at) => table.u64be(at) & l1OffsetMask,
    part: 'l1_table',
  });
  const refcountTable = {
    offset: safeNumber(header.u64be(48), 'refcount_table_offset'),
    entries: (header.u32be(56) * clusterSize) / 8,
  };
  await checkTableInside(reader, {
    ...refcountTable,
    entryBytes: 8,
    target: (table, at) => table.u64be(at) & refcountOffsetMask,
    part: 'refcount_table',
  });
  await checkLastClusterInside(reader, refcountTable, clusterSize, 2 ** refcountOrder);

  const unknownFeatureBits: number[] = [];
  for (let n = knownIncompatibleBits; n < 64; n++) {
    if (bit(incompatibleBits, n)) unknownFeatureBits.push(n);
  }
  const hasDataFile = bit(incompatibleBits, incompatible.dataFile) || extensions.dataFile !== null;
  const encryption = cryptMethod === 1 ? 'aes' : cryptMethod === 2 ? 'luks' : null;
  const dirty = bit(incompatibleBits, incompatible.dirty);
  const corrupt = bit(incompatibleBits, incompatible.corrupt);

  const refuse: RefuseReason[] = [];
  if (backingFile !== null) refuse.push('backing-file');
  if (hasDataFile) refuse.push('external-data-file');
  if (unknownFeatureBits.length > 0) refuse.push('unknown-features');
  const warn: WarnReason[] = [];
  if (encryption !== null) warn.push('encrypted');
  if (dirty) warn.push('dirty');
  if (corrupt) warn.push('corrupt');

  return {
    format: 'qcow2',
    fileSize: reader.size,
    refuse,
    warn,
    version,
    virtualSize,
    clusterSize,
    backingFile,
    backingFormat: extensions.backingFormat,
    externalDataFile: hasDataFile
      ? { name: extensions.dataFile, raw: bit(autoclearBits, rawDataFileBit) }
      : null,
    encryption,
    compression,
    extendedL2: bit(incompatibleBits, incompatible.extendedL2),
    lazyRefcounts: bit(compatibleBits, lazyRefcountsBit),
    refcountBits: 2 ** refcountOrder,
    dirty,
    corrupt,
    snapshotCount: header.u32be(60),
    unknownFeatureBits,
  };
}
