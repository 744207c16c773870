/**
 * VMDK: a sparse extent file (magic KDMV, its descriptor inside) or a text descriptor file
 * whose extents are other files. Extent files are listed, never opened. The rules follow
 * qemu 7's block/vmdk.c; the descriptor check follows Glance's format inspector.
 */
import type { RefuseReason, VmdkExtent, VmdkImage } from '../../../common/disk-image';
import {
  checkTableInside,
  HeaderDamage,
  headerText,
  safeNumber,
  type HeaderBytes,
  type HeaderReader,
} from '../header-reader';

export const vmdkSparseMagic = Buffer.from('KDMV', 'latin1');

const sector = 512;
/** qemu reads at most this much of a descriptor. */
const maxDescriptorBytes = (1 << 20) - 1;
/** A streamOptimized file may keep its header in a footer 1536 bytes before the end. */
const gdAtEnd = 0xffff_ffff_ffff_ffffn;
const markerFooter = 3;
const markerEndOfStream = 0;
const compressedFlag = 1 << 16;

/** The create types Glance takes by default (its `vmdk_allowed_types`). */
const glanceCreateTypes: ReadonlySet<string> = new Set(['monolithicSparse', 'streamOptimized']);

/**
 * Whether the first bytes are a text descriptor, as qemu's vmdk_probe decides: comment and
 * blank lines, then `version=1`, `2` or `3` on a line of its own.
 */
export function looksLikeDescriptor(start: Buffer): boolean {
  const text = start.subarray(0, sector).toString('latin1');
  let at = 0;
  while (at < text.length) {
    if (text[at] === '#') {
      const end = text.indexOf('\n', at);
      if (end === -1) return false;
      at = end + 1;
    } else if (text[at] === ' ' || text[at] === '\r' || text[at] === '\n') {
      const line = /^ *\r?\n/.exec(text.slice(at));
      if (line === null) return false;
      at += line[0].length;
    } else {
      return /^version=[123]\r?\n/.test(text.slice(at));
    }
  }
  return false;
}

interface Descriptor {
  createType: string | null;
  cid: number | null;
  parentCid: number | null;
  parentFileName: string | null;
  extents: Omit<VmdkExtent, 'inOtherFile'>[];
  /** Lines Glance's inspector would refuse, or bytes that are not ASCII. */
  unsafe: boolean;
}

/**
 * `key="value"` or `key=value`, as Glance reads a header line: a key without spaces before
 * the first '='. The value as written, without its quotes.
 */
function headerField(line: string): [string, string] | null {
  const equals = line.indexOf('=');
  if (equals === -1 || line.slice(0, equals).includes(' ')) return null;
  const value = line.slice(equals + 1).trim();
  const [quoted = ''] = value.slice(1).split('"');
  return [line.slice(0, equals), value.startsWith('"') ? quoted : value];
}

/** `RW 2097152 SPARSE "disk.vmdk"`, `RW 204800 FLAT "disk-flat.vmdk" 0`, `RW 2048 ZERO`. */
const extentLine =
  /^(?<access>\S+)\s+(?<sectors>\d+)\s+(?<type>\S+)(?:\s+"(?<name>[^"\r\n]*)"(?:\s+\d+)?)?\s*$/;

function parseDescriptor(bytes: Buffer): Descriptor {
  const text = headerText(bytes, 'latin1', maxDescriptorBytes);
  const found: Descriptor = {
    createType: null,
    cid: null,
    parentCid: null,
    parentFileName: null,
    extents: [],
    // eslint-disable-next-line no-control-regex -- anything outside ASCII is what Glance refuses
    unsafe: /[^\x00-\x7f]/.test(text),
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('ddb')) continue;
    if (/^(rw|rdonly|noaccess) /i.test(line)) {
      const extent = extentLine.exec(line)?.groups;
      if (extent === undefined) {
        found.unsafe = true;
        continue;
      }
      const { access = '', sectors = '0', type = '', name } = extent;
      found.extents.push({
        access: access.toUpperCase(),
        type: type.toUpperCase(),
        size: safeNumber(BigInt(sectors) * BigInt(sector), 'descriptor'),
        fileName: name ?? null,
      });
      continue;
    }
    const field = headerField(line);
    if (field === null) {
      found.unsafe = true;
      continue;
    }
    const [key, value] = field;
    const lower = key.toLowerCase();
    if (lower === 'createtype') found.createType = value.slice(0, 64);
    if (lower === 'cid') found.cid = parseHexU32(value);
    if (lower === 'parentcid') found.parentCid = parseHexU32(value);
    if (lower === 'parentfilenamehint') found.parentFileName = value;
  }
  if (found.extents.length === 0) found.unsafe = true;
  return found;
}

function parseHexU32(value: string): number | null {
  return /^[0-9a-f]{1,8}$/i.test(value) ? Number.parseInt(value, 16) : null;
}

/** A path in an extent line: separators of either platform mean another folder. */
const hasPathSeparator = (name: string): boolean => /[/\\]/.test(name);

function finish(
  reader: HeaderReader,
  layout: VmdkImage['layout'],
  descriptor: Descriptor,
  extents: VmdkExtent[],
  fields: Pick<VmdkImage, 'version' | 'virtualSize' | 'clusterSize' | 'compressed'>,
): VmdkImage {
  const refuse: RefuseReason[] = [];
  if (descriptor.parentFileName !== null) refuse.push('backing-file');
  if (extents.some((extent) => extent.inOtherFile)) refuse.push('extent-in-other-file');
  if (descriptor.unsafe) refuse.push('unsafe-descriptor');
  if (descriptor.createType === null || !glanceCreateTypes.has(descriptor.createType)) {
    refuse.push('unsupported-variant');
  }
  return {
    format: 'vmdk',
    fileSize: reader.size,
    refuse,
    warn: [],
    layout,
    createType: descriptor.createType,
    cid: descriptor.cid,
    parentCid: descriptor.parentCid,
    parentFileName: descriptor.parentFileName,
    extents,
    ...fields,
  };
}

/** A text descriptor file: every extent with a file name is another file. */
export async function inspectVmdkDescriptor(reader: HeaderReader): Promise<VmdkImage> {
  const descriptor = parseDescriptor(await reader.readUpTo(0, maxDescriptorBytes));
  const extents = descriptor.extents.map((extent) => ({
    ...extent,
    inOtherFile: extent.fileName !== null,
  }));
  return finish(reader, 'descriptor', descriptor, extents, {
    version: null,
    virtualSize: extents.reduce((sum, extent) => sum + extent.size, 0),
    clusterSize: null,
    compressed: false,
  });
}

/** The sparse header, or the copy in the footer when the header says the grain directory is at the end. */
async function sparseHeader(reader: HeaderReader): Promise<HeaderBytes> {
  const header = await reader.read(0, sector, 'header');
  if (header.u64le(56) !== gdAtEnd) return header;
  const footerStart = reader.size - 3 * sector;
  if (footerStart < sector) throw new HeaderDamage('truncated', 'footer');
  const footer = await reader.read(footerStart, 3 * sector, 'footer');
  if (
    footer.u32le(12) !== markerFooter ||
    !footer.has(vmdkSparseMagic, sector) ||
    footer.u32le(2 * sector + 12) !== markerEndOfStream
  ) {
    throw new HeaderDamage('malformed', 'footer');
  }
  return await reader.read(footerStart + sector, sector, 'footer');
}

/**
 * A sparse extent file. With a capacity it is its own single extent (its descriptor's one
 * extent line names it); with none, qemu takes the extents from the descriptor, all elsewhere.
 */
export async function inspectVmdkSparse(reader: HeaderReader): Promise<VmdkImage> {
  const first = await reader.read(0, sector, 'header');
  const version = first.u32le(4);
  if (version < 1 || version > 3) throw new HeaderDamage('malformed', 'version');
  const header = await sparseHeader(reader);
  const capacity = safeNumber(header.u64le(12) * BigInt(sector), 'capacity');
  const grain = header.u64le(20);
  if (capacity > 0) {
    if (grain === 0n || (grain & (grain - 1n)) !== 0n || grain > 1n << 18n) {
      throw new HeaderDamage('malformed', 'granularity');
    }
    const tableEntries = header.u32le(44);
    if (tableEntries === 0 || tableEntries > 512) {
      throw new HeaderDamage('malformed', 'num_gtes_per_gt');
    }
    const sectorsPerTable = grain * BigInt(tableEntries);
    await checkTableInside(reader, {
      offset: safeNumber(header.u64le(56) * BigInt(sector), 'gd_offset'),
      entries: Number((header.u64le(12) + sectorsPerTable - 1n) / sectorsPerTable),
      entryBytes: 4,
      target: (table, at) => BigInt(table.u32le(at)) * BigInt(sector),
      part: 'grain_directory',
    });
  }
  const descriptorOffset = safeNumber(header.u64le(28) * BigInt(sector), 'descriptor_offset');
  const descriptorSize = safeNumber(header.u64le(36) * BigInt(sector), 'descriptor_size');
  if (descriptorOffset >= reader.size) throw new HeaderDamage('truncated', 'descriptor');
  const descriptorBytes = Math.min(descriptorSize || maxDescriptorBytes, maxDescriptorBytes);
  const descriptor = parseDescriptor(
    descriptorOffset === 0
      ? Buffer.alloc(0)
      : await reader.readUpTo(descriptorOffset, descriptorBytes),
  );
  // Glance's inspector takes a descriptor only right after the header.
  if (descriptorOffset !== sector) descriptor.unsafe = true;

  const monolithic =
    capacity > 0 &&
    descriptor.extents.length <= 1 &&
    descriptor.extents.every(
      (extent) =>
        extent.type === 'SPARSE' && extent.fileName !== null && !hasPathSeparator(extent.fileName),
    );
  const extents = descriptor.extents.map((extent) => ({ ...extent, inOtherFile: !monolithic }));
  return finish(reader, 'sparse', descriptor, extents, {
    version,
    virtualSize: capacity > 0 ? capacity : extents.reduce((sum, extent) => sum + extent.size, 0),
    clusterSize: capacity > 0 ? Number(grain) * sector : null,
    compressed: (header.u32le(8) & compressedFlag) !== 0,
  });
}
