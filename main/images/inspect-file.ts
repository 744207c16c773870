/**
 * Tells what a local file really is before it is uploaded, from its headers only: a few
 * bounded reads at known offsets, whatever the file's size. Never follows a reference to
 * another file (backing files, data files, extents): those are reported, not opened.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import {
  compressionFormats,
  type DetectedFormat,
  type DiskImage,
  type FileInspection,
} from '../../common/disk-image';
import { fileSystemError } from '../transfers/fs-errors';
import { compressedFile, compressionOf } from './formats/compressed';
import { inspectLuks, inspectQed, luksMagic, qedMagic } from './formats/foreign';
import { inspectIso, isIso } from './formats/iso';
import { inspectQcow2, qcow2Magic } from './formats/qcow2';
import { inspectVdi, vdiSignature, vdiSignatureOffset } from './formats/vdi';
import { inspectVhd, vhdFooterBytes, vhdMagic } from './formats/vhd';
import { inspectVhdx, vhdxMagic } from './formats/vhdx';
import {
  inspectVmdkDescriptor,
  inspectVmdkSparse,
  looksLikeDescriptor,
  vmdkSparseMagic,
} from './formats/vmdk';
import { HeaderBytes, HeaderDamage, HeaderReader } from './header-reader';

const isCompression = (format: DetectedFormat): boolean =>
  (compressionFormats as readonly string[]).includes(format);

/** Enough of the start to see every magic number at offset 0 (VDI's is at 0x40). */
const probeBytes = 512;

/** A format recognised by its first bytes, and how to read the rest. */
interface Match {
  format: DetectedFormat;
  inspect: () => Promise<DiskImage>;
}

/** The format the first bytes announce, if any. */
function matchStart(reader: HeaderReader, start: HeaderBytes): Match | null {
  const match = (format: DetectedFormat, inspect: () => Promise<DiskImage>): Match => ({
    format,
    inspect,
  });
  if (start.has(qcow2Magic)) return match('qcow2', () => inspectQcow2(reader));
  if (start.has(vmdkSparseMagic)) return match('vmdk', () => inspectVmdkSparse(reader));
  if (start.has(vhdMagic)) return match('vhd', () => inspectVhdWithFooter(reader, 0));
  if (start.has(vhdxMagic)) return match('vhdx', () => inspectVhdx(reader));
  if (start.length >= vdiSignatureOffset + 4 && start.u32le(vdiSignatureOffset) === vdiSignature) {
    return match('vdi', () => inspectVdi(reader));
  }
  if (start.has(qedMagic)) return match('qed', () => inspectQed(reader));
  if (start.has(luksMagic)) return match('luks', () => inspectLuks(reader));
  const compression = compressionOf(start.buffer);
  if (compression !== null) {
    return match(compression, () => Promise.resolve(compressedFile(compression, reader.size)));
  }
  if (looksLikeDescriptor(start.buffer)) return match('vmdk', () => inspectVmdkDescriptor(reader));
  return null;
}

async function inspectVhdWithFooter(reader: HeaderReader, offset: number): Promise<DiskImage> {
  return inspectVhd(reader, await reader.read(offset, vhdFooterBytes, 'footer'));
}

/** A fixed VHD is a raw disk with a VHD footer in its last 512 bytes. */
async function hasVhdFooterAtEnd(reader: HeaderReader): Promise<boolean> {
  if (reader.size < vhdFooterBytes) return false;
  const footer = await reader.readUpTo(reader.size - vhdFooterBytes, vhdMagic.length);
  return footer.equals(vhdMagic);
}

/** What the content is; damage to a recognised header is an outcome, not an error. */
async function inspectContent(reader: HeaderReader): Promise<FileInspection> {
  const start = new HeaderBytes(await reader.readUpTo(0, probeBytes), 'header');
  const atStart = matchStart(reader, start);
  let format: DetectedFormat = atStart?.format ?? 'raw';
  try {
    if (atStart !== null) {
      const image = await atStart.inspect();
      // An ISO volume behind another disk format's header: Glance refuses such look-alikes.
      if (!isCompression(image.format) && (await isIso(reader))) {
        image.refuse.push('several-formats');
      }
      return { status: 'image', image };
    }
    if (await isIso(reader)) {
      format = 'iso';
      return { status: 'image', image: await inspectIso(reader) };
    }
    if (await hasVhdFooterAtEnd(reader)) {
      format = 'vhd';
      return { status: 'image', image: await inspectVhdWithFooter(reader, reader.size - 512) };
    }
    return {
      status: 'image',
      image: {
        format: 'raw',
        fileSize: reader.size,
        refuse: [],
        warn: [],
        virtualSize: reader.size,
      },
    };
  } catch (error) {
    if (!(error instanceof HeaderDamage)) throw error;
    const { damage, field } = error;
    return { status: 'damaged', damaged: { format, damage, field, fileSize: reader.size } };
  }
}

const isSystemError = (error: unknown): boolean =>
  typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string';

/**
 * Inspects the file at `path`. A file the system will not let main open or read is an
 * AppError of kind 'filesystem' (path-missing, no-permission, file-error…).
 */
export async function inspectFile(path: string): Promise<FileInspection> {
  // Non-blocking, so that a FIFO put at the path cannot hold the open; it is refused below.
  const nonBlocking = (constants.O_NONBLOCK as number | undefined) ?? 0;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | nonBlocking);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
      return { status: 'not-a-file', fileType: 'directory' };
    }
    throw isSystemError(error) ? fileSystemError(error, path) : error;
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { status: 'not-a-file', fileType: 'directory' };
    if (!stats.isFile()) return { status: 'not-a-file', fileType: 'other' };
    if (stats.size === 0) return { status: 'empty' };
    return await inspectContent(new HeaderReader(handle, stats.size));
  } catch (error) {
    throw isSystemError(error) ? fileSystemError(error, path) : error;
  } finally {
    await handle.close();
  }
}
