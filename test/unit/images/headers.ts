// Disk image headers built byte by byte, for the cases qemu-img will not make (hostile,
// truncated, differencing, huge), and files written sparse from them.
import { open } from 'node:fs/promises';

/** Writes `parts` at their offsets into a new file of `size` bytes (sparse where not written). */
export async function writeImage(
  path: string,
  parts: [offset: number, bytes: Buffer][],
  size?: number,
): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    for (const [offset, bytes] of parts) await handle.write(bytes, 0, bytes.length, offset);
    if (size !== undefined) await handle.truncate(size);
  } finally {
    await handle.close();
  }
}

export interface Qcow2Options {
  /** 2 or 3; anything else is written into a version 3 layout. */
  version?: number;
  size: bigint;
  clusterBits?: number;
  cryptMethod?: number;
  incompatible?: bigint;
  autoclear?: bigint;
  compressionType?: number;
  /** Header extensions after the header: [type, data]. */
  extensions?: [number, Buffer][];
  backingFile?: string;
  /** Overrides for hostile headers: where the name is said to be, and how long. */
  backingOffset?: bigint;
  backingLength?: number;
}

/** A qcow2 header, its extensions and backing file name, as qemu lays them out. */
export function qcow2(options: Qcow2Options): Buffer {
  const version = options.version ?? 3;
  const headerLength = version === 2 ? 72 : 112;
  const extensions = Buffer.concat(
    (options.extensions ?? []).map(([type, data]) => {
      const entry = Buffer.alloc(8 + Math.ceil(data.length / 8) * 8);
      entry.writeUInt32BE(type, 0);
      entry.writeUInt32BE(data.length, 4);
      data.copy(entry, 8);
      return entry;
    }),
  );
  const name = Buffer.from(options.backingFile ?? '', 'utf8');
  const nameOffset = headerLength + extensions.length + 8;
  const out = Buffer.alloc(Math.max(4096, nameOffset + name.length));
  out.write('QFI\xfb', 0, 'latin1');
  out.writeUInt32BE(version, 4);
  if (options.backingFile !== undefined || options.backingOffset !== undefined) {
    out.writeBigUInt64BE(options.backingOffset ?? BigInt(nameOffset), 8);
    out.writeUInt32BE(options.backingLength ?? name.length, 16);
  }
  out.writeUInt32BE(options.clusterBits ?? 16, 20);
  out.writeBigUInt64BE(options.size, 24);
  out.writeUInt32BE(options.cryptMethod ?? 0, 32);
  if (version !== 2) {
    out.writeBigUInt64BE(options.incompatible ?? 0n, 72);
    out.writeBigUInt64BE(options.autoclear ?? 0n, 88);
    out.writeUInt32BE(4, 96);
    out.writeUInt32BE(headerLength, 100);
    out.writeUInt8(options.compressionType ?? 0, 104);
  }
  extensions.copy(out, headerLength);
  name.copy(out, nameOffset);
  return out;
}

/** A VMDK text descriptor. */
export function vmdkDescriptor(createType: string, extentLines: string[], more = ''): string {
  return [
    '# Disk DescriptorFile',
    'version=1',
    'CID=12345678',
    'parentCID=ffffffff',
    `createType="${createType}"`,
    more,
    '# Extent description',
    ...extentLines,
    '',
    'ddb.adapterType = "ide"',
    '',
  ].join('\n');
}

/**
 * A sparse VMDK extent header with its descriptor at sector 1, as qemu writes it, and a
 * grain directory after it (whose grain tables are not allocated).
 */
export function vmdkSparse(capacitySectors: bigint, descriptor: string): Buffer {
  const text = Buffer.from(descriptor, 'latin1');
  const descriptorSectors = Math.max(20, Math.ceil(text.length / 512));
  const out = Buffer.alloc(512 * (2 + descriptorSectors));
  out.write('KDMV', 0, 'latin1');
  out.writeUInt32LE(1, 4);
  out.writeUInt32LE(3, 8);
  out.writeBigUInt64LE(capacitySectors, 12);
  out.writeBigUInt64LE(128n, 20);
  out.writeBigUInt64LE(1n, 28);
  out.writeBigUInt64LE(BigInt(descriptorSectors), 36);
  out.writeUInt32LE(512, 44);
  out.writeBigUInt64LE(BigInt(1 + descriptorSectors), 56);
  text.copy(out, 512);
  return out;
}

export interface VhdFooterOptions {
  /** 2 fixed, 3 dynamic, 4 differencing. */
  type: number;
  size: bigint;
  creator?: string;
  geometry?: [cylinders: number, heads: number, sectors: number];
}

/** A VHD footer; a dynamic or differencing one points to a dynamic header at 512. */
export function vhdFooter(options: VhdFooterOptions): Buffer {
  const out = Buffer.alloc(512);
  out.write('conectix', 0, 'latin1');
  out.writeUInt32BE(2, 8);
  out.writeUInt32BE(0x00010000, 12);
  out.writeBigUInt64BE(options.type === 2 ? 0xffff_ffff_ffff_ffffn : 512n, 16);
  out.write(options.creator ?? 'win ', 28, 'latin1');
  out.writeBigUInt64BE(options.size, 40);
  out.writeBigUInt64BE(options.size, 48);
  const [cylinders, heads, sectors] = options.geometry ?? [65535, 16, 255];
  out.writeUInt16BE(cylinders, 56);
  out.writeUInt8(heads, 58);
  out.writeUInt8(sectors, 59);
  out.writeUInt32BE(options.type, 60);
  return out;
}

export function vhdDynamicHeader(blockSize: number, parentName?: string): Buffer {
  const out = Buffer.alloc(1024);
  out.write('cxsparse', 0, 'latin1');
  out.writeBigUInt64BE(0xffff_ffff_ffff_ffffn, 8);
  out.writeBigUInt64BE(1536n, 16);
  out.writeUInt32BE(0x00010000, 24);
  out.writeUInt32BE(blockSize, 32);
  if (parentName !== undefined) Buffer.from(parentName, 'utf16le').swap16().copy(out, 64);
  return out;
}

/** A GUID as VHDX stores it. */
function guid(text: string): Buffer {
  const bytes = Buffer.from(text.replace(/-/g, ''), 'hex');
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}

/**
 * The parts of a VHDX file: identifier, region table, a 64 KiB metadata region (its table
 * and items), and its last byte.
 */
export function vhdxParts(
  virtualSize: bigint,
  flags = 0,
  metadataOffset = 1 << 20,
): [number, Buffer][] {
  const identifier = Buffer.from('vhdxfile', 'latin1');
  const regions = Buffer.alloc(16 + 32);
  regions.write('regi', 0, 'latin1');
  regions.writeUInt32LE(1, 8);
  guid('8B7CA206-4790-4B9A-B8FE-575F050F886E').copy(regions, 16);
  regions.writeBigUInt64LE(BigInt(metadataOffset), 32);
  regions.writeUInt32LE(64 * 1024, 40);
  const parameters = Buffer.alloc(8);
  parameters.writeUInt32LE(32 << 20, 0);
  parameters.writeUInt32LE(flags, 4);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(virtualSize, 0);
  const sectorSize = Buffer.alloc(4);
  sectorSize.writeUInt32LE(512, 0);
  const items: [string, Buffer][] = [
    ['CAA16737-FA36-4D43-B3B6-33F0AA44E76B', parameters],
    ['2FA54224-CD1B-4876-B211-5DBED83BF4B8', size],
    ['8141BF1D-A96F-4709-BA47-F233A8FAAB5F', sectorSize],
  ];
  const table = Buffer.alloc(32 + 32 * items.length);
  table.write('metadata', 0, 'latin1');
  table.writeUInt16LE(items.length, 10);
  const data: [number, Buffer][] = [];
  items.forEach(([id, value], i) => {
    const itemOffset = 32 * 1024 + i * 8;
    guid(id).copy(table, 32 + i * 32);
    table.writeUInt32LE(itemOffset, 32 + i * 32 + 16);
    table.writeUInt32LE(value.length, 32 + i * 32 + 20);
    data.push([metadataOffset + itemOffset, value]);
  });
  return [
    [0, identifier],
    [192 * 1024, regions],
    [metadataOffset, table],
    ...data,
    [metadataOffset + 64 * 1024 - 1, Buffer.alloc(1)],
  ];
}

export function vdiHeader(type: number, size: bigint, parentUuid?: Buffer): Buffer {
  const out = Buffer.alloc(512);
  out.write('<<< Oracle VM VirtualBox Disk Image >>>\n', 0, 'latin1');
  out.writeUInt32LE(0xbeda107f, 0x40);
  out.writeUInt32LE(0x00010001, 0x44);
  out.writeUInt32LE(0x190, 0x48);
  out.writeUInt32LE(type, 0x4c);
  out.writeUInt32LE(512, 0x168);
  out.writeBigUInt64LE(size, 0x170);
  out.writeUInt32LE(1 << 20, 0x178);
  parentUuid?.copy(out, 0x1b8);
  return out;
}

/** An ISO 9660 volume's descriptors: primary (with `blocks` of 2048 bytes) and terminator. */
export function isoDescriptors(blocks: number, volumeId = 'GLANCE_DESK'): [number, Buffer][] {
  const primary = Buffer.alloc(2048);
  primary.writeUInt8(1, 0);
  primary.write('CD001', 1, 'latin1');
  primary.writeUInt8(1, 6);
  primary.write(volumeId.padEnd(32, ' '), 40, 'latin1');
  primary.writeUInt32LE(blocks, 80);
  primary.writeUInt32BE(blocks, 84);
  primary.writeUInt16LE(2048, 128);
  primary.writeUInt16BE(2048, 130);
  const terminator = Buffer.alloc(2048);
  terminator.writeUInt8(255, 0);
  terminator.write('CD001', 1, 'latin1');
  terminator.writeUInt8(1, 6);
  return [
    [32 * 1024, primary],
    [34 * 1024, terminator],
  ];
}
