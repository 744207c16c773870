/**
 * VDI (VirtualBox): a 512-byte little-endian header after a 64-byte text banner, checked as
 * qemu 7's block/vdi.c checks it.
 */
import type { RefuseReason, VdiImage } from '../../../common/disk-image';
import { HeaderDamage, safeNumber, type HeaderReader } from '../header-reader';

export const vdiSignatureOffset = 0x40;
export const vdiSignature = 0xbeda107f;

const headerBytes = 512;
const version11 = 0x00010001;
const imageTypes: Record<number, VdiImage['type']> = {
  1: 'dynamic',
  2: 'static',
  3: 'undo',
  4: 'differencing',
};
const parentUuidOffset = 0x1b8;

export async function inspectVdi(reader: HeaderReader): Promise<VdiImage> {
  const header = await reader.read(0, headerBytes, 'header');
  if (header.u32le(0x44) !== version11) throw new HeaderDamage('malformed', 'version');
  const type = imageTypes[header.u32le(0x4c)];
  if (type === undefined) throw new HeaderDamage('malformed', 'image_type');
  const hasParent = header.bytes(parentUuidOffset, 16).some((byte) => byte !== 0);
  const virtualSize = safeNumber(header.u64le(0x170), 'disk_size');
  const blockSize = header.u32le(0x178);
  // The blocks in use follow the data offset; a static image holds all of them.
  const dataEnd = header.u32le(0x158) + header.u32le(0x184) * blockSize;
  if (dataEnd > reader.size) throw new HeaderDamage('truncated', 'blocks');

  const refuse: RefuseReason[] = [];
  if (type === 'differencing' || hasParent) refuse.push('backing-file');
  if (type === 'undo') refuse.push('unsupported-variant');
  return {
    format: 'vdi',
    fileSize: reader.size,
    refuse,
    warn: [],
    type,
    virtualSize,
    blockSize,
  };
}
