/**
 * VHD (qemu's vpc): a 512-byte footer at the end of every image, with a copy at the start
 * of dynamic and differencing ones, followed there by a dynamic header ('cxsparse').
 */
import type { RefuseReason, VhdImage } from '../../../common/disk-image';
import {
  checkTableInside,
  HeaderDamage,
  safeNumber,
  type HeaderBytes,
  type HeaderReader,
} from '../header-reader';

export const vhdMagic = Buffer.from('conectix', 'latin1');
const dynamicMagic = Buffer.from('cxsparse', 'latin1');

export const vhdFooterBytes = 512;
const dynamicHeaderBytes = 1024;
const diskTypes: Record<number, VhdImage['type']> = { 2: 'fixed', 3: 'dynamic', 4: 'differencing' };
const unallocated = 0xffffffff;
/** 65535 cylinders × 16 heads × 255 sectors: an image this big is sized by its footer. */
const maxGeometrySectors = 65535 * 16 * 255;

/**
 * qemu 9.2 and later size a disk by its CHS geometry only for Virtual PC and old qemu
 * images; every other creator's "current size" is trusted (qemu 7 trusted it only for a
 * list of known creators, which all qemu 7-made images agree with).
 */
function virtualSize(footer: HeaderBytes, currentSize: number, creatorApp: string): number {
  const geometrySectors = footer.u16be(56) * footer.u8(58) * footer.u8(59);
  const useGeometry =
    geometrySectors !== maxGeometrySectors && (creatorApp === 'vpc ' || creatorApp === 'qemu');
  return useGeometry ? geometrySectors * 512 : currentSize;
}

/** The parent's name in a differencing disk's dynamic header: UTF-16 big-endian, NUL-padded. */
function parentName(header: HeaderBytes): string {
  const name = Buffer.from(header.bytes(64, 512)).swap16().toString('utf16le');
  const end = name.indexOf('\0');
  return end === -1 ? name : name.slice(0, end);
}

/** `footer`: read at the start (dynamic and differencing) or the end (fixed) of the file. */
export async function inspectVhd(reader: HeaderReader, footer: HeaderBytes): Promise<VhdImage> {
  const type = diskTypes[footer.u32be(60)];
  if (type === undefined) throw new HeaderDamage('malformed', 'disk_type');
  // Only printable ASCII is kept: 'tap\0' is 'tap'.
  const creatorApp = footer
    .bytes(28, 4)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '');
  const currentSize = safeNumber(footer.u64be(48), 'current_size');

  let blockSize: number | null = null;
  let parent: string | null = null;
  if (type !== 'fixed') {
    const headerOffset = safeNumber(footer.u64be(16), 'data_offset');
    const header = await reader.read(headerOffset, dynamicHeaderBytes, 'dynamic_header');
    if (!header.has(dynamicMagic)) throw new HeaderDamage('malformed', 'dynamic_header');
    blockSize = header.u32be(32);
    if (blockSize < 512 || (blockSize & (blockSize - 1)) !== 0) {
      throw new HeaderDamage('malformed', 'block_size');
    }
    if (type === 'differencing') parent = parentName(header);
    // A dynamic disk ends with a copy of its footer; its blocks lie before it.
    const end = await reader.readUpTo(reader.size - vhdFooterBytes, vhdMagic.length);
    if (reader.size < 2 * vhdFooterBytes || !end.equals(vhdMagic)) {
      throw new HeaderDamage('truncated', 'footer');
    }
    await checkTableInside(reader, {
      offset: safeNumber(header.u64be(16), 'table_offset'),
      entries: header.u32be(28),
      entryBytes: 4,
      target: (table, at) => {
        const sector = table.u32be(at);
        return sector === unallocated ? null : BigInt(sector) * 512n;
      },
      part: 'block_allocation_table',
    });
  }

  const refuse: RefuseReason[] = type === 'differencing' ? ['backing-file'] : [];
  return {
    format: 'vhd',
    fileSize: reader.size,
    refuse,
    warn: [],
    type,
    virtualSize: virtualSize(footer, currentSize, creatorApp),
    currentSize,
    creatorApp,
    blockSize,
    parentName: parent,
  };
}
