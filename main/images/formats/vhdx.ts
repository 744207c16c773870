/**
 * VHDX ([MS-VHDX]): the region table at 192 KiB points to the metadata region, whose table
 * points to the file parameters, the virtual disk size and the logical sector size.
 */
import type { VhdxImage } from '../../../common/disk-image';
import { checkTableInside, HeaderDamage, safeNumber, type HeaderReader } from '../header-reader';

export const vhdxMagic = Buffer.from('vhdxfile', 'latin1');

const regionTableOffset = 192 * 1024;
const regionTableMagic = Buffer.from('regi', 'latin1');
const metadataMagic = Buffer.from('metadata', 'latin1');
/** Both tables hold at most 2047 entries of 32 bytes after a 16- or 32-byte header. */
const maxEntries = 2047;
const hasParentFlag = 2;
/** Block states whose data is in the file: fully (6) or partly (7) present. */
const inFile: ReadonlySet<bigint> = new Set([6n, 7n]);

/** A GUID as VHDX stores it: the first three groups little-endian. */
function guid(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}

const metadataRegion = guid('8B7CA206-4790-4B9A-B8FE-575F050F886E');
const blockAllocationTable = guid('2DC27766-F623-4200-9D64-115E9BFD4A08');
const fileParameters = guid('CAA16737-FA36-4D43-B3B6-33F0AA44E76B');
const virtualDiskSize = guid('2FA54224-CD1B-4876-B211-5DBED83BF4B8');
const logicalSectorSize = guid('8141BF1D-A96F-4709-BA47-F233A8FAAB5F');

export async function inspectVhdx(reader: HeaderReader): Promise<VhdxImage> {
  const regions = await reader.read(regionTableOffset, 16, 'region_table');
  if (!regions.has(regionTableMagic)) throw new HeaderDamage('malformed', 'region_table');
  const regionCount = regions.u32le(8);
  if (regionCount > maxEntries) throw new HeaderDamage('malformed', 'region_table');
  const regionEntries = await reader.read(regionTableOffset + 16, regionCount * 32, 'region_table');
  let metadataOffset: number | null = null;
  for (let i = 0; i < regionCount; i++) {
    const offset = safeNumber(regionEntries.u64le(i * 32 + 16), 'region_table');
    // Every region (the metadata, the block allocation table) lies inside a whole file.
    if (offset + regionEntries.u32le(i * 32 + 24) > reader.size) {
      throw new HeaderDamage('truncated', 'region');
    }
    if (regionEntries.has(metadataRegion, i * 32)) metadataOffset = offset;
    if (regionEntries.has(blockAllocationTable, i * 32)) {
      await checkTableInside(reader, {
        offset,
        entries: Math.floor(regionEntries.u32le(i * 32 + 24) / 8),
        entryBytes: 8,
        target: (entries, at) => {
          const entry = entries.u64le(at);
          return inFile.has(entry & 7n) ? (entry >> 20n) << 20n : null;
        },
        part: 'block_allocation_table',
      });
    }
  }
  if (metadataOffset === null) throw new HeaderDamage('malformed', 'metadata_region');

  const table = await reader.read(metadataOffset, 32, 'metadata_table');
  if (!table.has(metadataMagic)) throw new HeaderDamage('malformed', 'metadata_table');
  const itemCount = table.u16le(10);
  if (itemCount > maxEntries) throw new HeaderDamage('malformed', 'metadata_table');
  const items = await reader.read(metadataOffset + 32, itemCount * 32, 'metadata_table');

  /** The `length` bytes of the item with `id`, which must be there. */
  const item = async (id: Buffer, length: number, field: string) => {
    for (let i = 0; i < itemCount; i++) {
      if (!items.has(id, i * 32)) continue;
      if (items.u32le(i * 32 + 20) < length) throw new HeaderDamage('malformed', field);
      return await reader.read(metadataOffset + items.u32le(i * 32 + 16), length, field);
    }
    throw new HeaderDamage('malformed', field);
  };

  const parameters = await item(fileParameters, 8, 'file_parameters');
  const size = await item(virtualDiskSize, 8, 'virtual_disk_size');
  const sectorSize = await item(logicalSectorSize, 4, 'logical_sector_size');
  const hasParent = (parameters.u32le(4) & hasParentFlag) !== 0;
  return {
    format: 'vhdx',
    fileSize: reader.size,
    refuse: hasParent ? ['backing-file'] : [],
    warn: [],
    virtualSize: safeNumber(size.u64le(0), 'virtual_disk_size'),
    blockSize: parameters.u32le(0),
    logicalSectorSize: sectorSize.u32le(0),
    hasParent,
  };
}
