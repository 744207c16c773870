/**
 * Disk formats Glance has no disk_format for, recognised so that they are not mistaken
 * for raw disks: QED (qemu's retired format) and LUKS volumes.
 */
import type { LuksImage, QedImage, RefuseReason } from '../../../common/disk-image';
import { HeaderDamage, headerText, safeNumber, type HeaderReader } from '../header-reader';

export const qedMagic = Buffer.from('QED\0', 'latin1');
export const luksMagic = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]); // 'LUKS\xba\xbe'

const qedHeaderBytes = 64;
const backingFileFeature = 1n;
const luks1HeaderBytes = 592;

export async function inspectQed(reader: HeaderReader): Promise<QedImage> {
  const header = await reader.read(0, qedHeaderBytes, 'header');
  const clusterSize = header.u32le(4);
  const hasBackingFile = (header.u64le(16) & backingFileFeature) !== 0n;
  const backingOffset = header.u32le(56);
  const backingLength = header.u32le(60);
  if (hasBackingFile && backingLength > clusterSize) {
    throw new HeaderDamage('malformed', 'backing_filename_size');
  }
  const backingFile = !hasBackingFile
    ? null
    : headerText(
        (await reader.read(backingOffset, backingLength, 'backing_filename')).buffer,
        'utf8',
      );
  const refuse: RefuseReason[] = ['unsupported-format'];
  if (backingFile !== null) refuse.push('backing-file');
  return {
    format: 'qed',
    fileSize: reader.size,
    refuse,
    warn: [],
    virtualSize: safeNumber(header.u64le(48), 'image_size'),
    clusterSize,
    backingFile,
  };
}

export async function inspectLuks(reader: HeaderReader): Promise<LuksImage> {
  const start = await reader.read(0, 8, 'header');
  const version = start.u16be(6);
  let virtualSize: number | null = null;
  if (version === 1) {
    const header = await reader.read(0, luks1HeaderBytes, 'header');
    const payloadOffset = header.u32be(104) * 512;
    if (payloadOffset > reader.size) throw new HeaderDamage('truncated', 'payload_offset');
    virtualSize = reader.size - payloadOffset;
  }
  return {
    format: 'luks',
    fileSize: reader.size,
    refuse: ['unsupported-format'],
    warn: ['encrypted'],
    version,
    virtualSize,
  };
}
