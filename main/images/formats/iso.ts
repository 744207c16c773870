/**
 * ISO 9660: volume descriptors of 2048 bytes from 32 KiB on; the primary one (type 1)
 * holds the volume size and identifier.
 */
import type { IsoImage } from '../../../common/disk-image';
import { HeaderDamage, headerText, type HeaderReader } from '../header-reader';

export const isoDescriptorsOffset = 32 * 1024;
export const isoMagic = Buffer.from('CD001', 'latin1');

const descriptorBytes = 2048;
const primaryType = 1;
const terminatorType = 255;
/** Boot, supplementary and partition descriptors may come first; real discs have a few. */
const maxDescriptors = 32;

export async function isIso(reader: HeaderReader): Promise<boolean> {
  const start = await reader.readUpTo(isoDescriptorsOffset + 1, isoMagic.length);
  return start.equals(isoMagic);
}

export async function inspectIso(reader: HeaderReader): Promise<IsoImage> {
  for (let i = 0; i < maxDescriptors; i++) {
    const offset = isoDescriptorsOffset + i * descriptorBytes;
    const descriptor = await reader.read(offset, descriptorBytes, 'volume_descriptor');
    if (!descriptor.has(isoMagic, 1)) break;
    const type = descriptor.u8(0);
    if (type === terminatorType) break;
    if (type !== primaryType) continue;

    const blockSize = descriptor.u16le(128);
    if (blockSize < 512 || blockSize > descriptorBytes || (blockSize & (blockSize - 1)) !== 0) {
      throw new HeaderDamage('malformed', 'logical_block_size');
    }
    const volumeSize = descriptor.u32le(80) * blockSize;
    if (volumeSize > reader.size) throw new HeaderDamage('truncated', 'volume_space_size');
    return {
      format: 'iso',
      fileSize: reader.size,
      refuse: [],
      warn: [],
      virtualSize: volumeSize,
      volumeId: headerText(descriptor.bytes(40, 32), 'latin1').trimEnd(),
    };
  }
  throw new HeaderDamage('malformed', 'primary_volume_descriptor');
}
