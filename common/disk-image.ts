/**
 * What a local file really is, read from its headers by main (main/images/inspect-file.ts),
 * and what that means for an upload to Glance. Codes and values only: the renderer words
 * them. Sizes are in bytes unless a name says otherwise.
 */

/**
 * The disk formats a file's content can show, by Glance's `disk_format` names (qemu's
 * `vpc` is Glance's `vhd`).
 */
export const contentDiskFormats = ['raw', 'qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso'] as const;
export type ContentDiskFormat = (typeof contentDiskFormats)[number];

/** Compressed files: Glance stores them as they are and never unpacks them. */
export const compressionFormats = ['gzip', 'xz', 'zstd', 'bzip2', 'zip'] as const;
export type CompressionFormat = (typeof compressionFormats)[number];

/** Disk formats Glance has no `disk_format` for: its format inspector refuses them. */
export type ForeignDiskFormat = 'qed' | 'luks';

export type DetectedFormat = ContentDiskFormat | CompressionFormat | ForeignDiskFormat;

/** Why a file must not be uploaded as it is; Glance would refuse it after the whole upload. */
export type RefuseReason =
  /** A qcow2, vmdk or qed backing file, a vhd or vhdx differencing disk, a vdi with a parent. */
  | 'backing-file'
  /** A qcow2 whose data lives in an external data file. */
  | 'external-data-file'
  /** A vmdk with extents in other files (a descriptor file, or a sparse file naming others). */
  | 'extent-in-other-file'
  /** A vmdk descriptor with lines Glance's inspector does not accept (or not ASCII). */
  | 'unsafe-descriptor'
  /** A variant Glance does not take by default: a vmdk other than monolithicSparse or streamOptimized, a vdi undo disk. */
  | 'unsupported-variant'
  /** Incompatible qcow2 features that neither qemu 7 nor Glance knows. */
  | 'unknown-features'
  /** A disk format Glance has no disk_format for (qed, luks). */
  | 'unsupported-format'
  /** The header of one format, and an ISO 9660 volume at 32 KiB: Glance refuses such look-alikes. */
  | 'several-formats';

/** What the user should know, but may go ahead with. */
export type WarnReason =
  /** Encrypted: a server booting it needs the key (qcow2 aes or luks, a luks volume). */
  | 'encrypted'
  /** A compressed file: the cloud stores it as it is, and no server boots from it. */
  | 'compressed'
  /** A qcow2 not closed cleanly (lazy refcounts): `qemu-img check -r all` repairs it. */
  | 'dirty'
  /** A qcow2 that qemu marked corrupt: qemu opens it read-only only. */
  | 'corrupt';

interface Findings {
  /** The file's size on disk (its length, not its allocated blocks). */
  fileSize: number;
  refuse: RefuseReason[];
  warn: WarnReason[];
}

export interface Qcow2Image extends Findings {
  format: 'qcow2';
  /** 2 (qemu's compat 0.10) or 3 (compat 1.1). */
  version: 2 | 3;
  virtualSize: number;
  clusterSize: number;
  /** The backing file's name as written in the image ('' when its length is 0). */
  backingFile: string | null;
  /** The backing file's format, from the header extension. */
  backingFormat: string | null;
  /** `name`: null where the feature bit is set but the image does not name the file. */
  externalDataFile: { name: string | null; raw: boolean } | null;
  encryption: 'aes' | 'luks' | null;
  compression: 'zlib' | 'zstd';
  extendedL2: boolean;
  lazyRefcounts: boolean;
  refcountBits: number;
  dirty: boolean;
  corrupt: boolean;
  /** Internal snapshots (qemu-img snapshot): their data is uploaded with the image. */
  snapshotCount: number;
  /** Incompatible feature bits set that qemu 7 does not know (bit numbers). */
  unknownFeatureBits: number[];
}

export interface VmdkExtent {
  access: string;
  /** 'SPARSE', 'FLAT', 'ZERO', 'VMFS', … as the descriptor says. */
  type: string;
  size: number;
  /** The file named by the descriptor, never opened (null for a ZERO extent). */
  fileName: string | null;
  inOtherFile: boolean;
}

export interface VmdkImage extends Findings {
  format: 'vmdk';
  /** 'sparse': a file that starts with a sparse extent header (and holds its descriptor); 'descriptor': a text descriptor only. */
  layout: 'sparse' | 'descriptor';
  /** The sparse header's version (1 to 3); null for a descriptor file. */
  version: number | null;
  /** 'monolithicSparse', 'streamOptimized', 'monolithicFlat', … (null: none given). */
  createType: string | null;
  virtualSize: number;
  /** The grain size of a sparse file. */
  clusterSize: number | null;
  /** Grains compressed with deflate (streamOptimized). */
  compressed: boolean;
  cid: number | null;
  /** 0xffffffff: no parent. */
  parentCid: number | null;
  parentFileName: string | null;
  extents: VmdkExtent[];
}

export interface VhdImage extends Findings {
  format: 'vhd';
  /** 'fixed' has its footer at the end only; the others have a copy at the start. */
  type: 'fixed' | 'dynamic' | 'differencing';
  /** What qemu uses: the CHS geometry for Virtual PC and old qemu images, else `currentSize`. */
  virtualSize: number;
  /** The footer's "current size". */
  currentSize: number;
  /** The footer's creator application, four characters ('qemu', 'win ', 'vpc ', …). */
  creatorApp: string;
  blockSize: number | null;
  /** A differencing disk's parent, as its dynamic header names it. */
  parentName: string | null;
}

export interface VhdxImage extends Findings {
  format: 'vhdx';
  virtualSize: number;
  blockSize: number;
  logicalSectorSize: number;
  /** A differencing disk (its parent is named in a parent locator). */
  hasParent: boolean;
}

export interface VdiImage extends Findings {
  format: 'vdi';
  type: 'dynamic' | 'static' | 'undo' | 'differencing';
  virtualSize: number;
  blockSize: number;
}

export interface IsoImage extends Findings {
  format: 'iso';
  /** The primary volume descriptor's volume size (what Glance counts), at most the file size. */
  virtualSize: number;
  /** The volume identifier, trailing spaces removed. */
  volumeId: string;
}

export interface RawImage extends Findings {
  format: 'raw';
  /** The file size: every byte is disk. */
  virtualSize: number;
}

export interface CompressedFile extends Findings {
  format: CompressionFormat;
  virtualSize: null;
}

export interface QedImage extends Findings {
  format: 'qed';
  virtualSize: number;
  clusterSize: number;
  backingFile: string | null;
}

export interface LuksImage extends Findings {
  format: 'luks';
  version: number;
  /** LUKS1: the file after its header; null for LUKS2 (its layout is JSON). */
  virtualSize: number | null;
}

/** A recognised file, by its format. */
export type DiskImage =
  | Qcow2Image
  | VmdkImage
  | VhdImage
  | VhdxImage
  | VdiImage
  | IsoImage
  | RawImage
  | CompressedFile
  | QedImage
  | LuksImage;

/**
 * A file whose first bytes claim a format that the rest of its header does not bear out.
 * `field` names the header field or part (e.g. 'header', 'backing_file_offset').
 */
export interface DamagedImage {
  format: DetectedFormat;
  damage: 'truncated' | 'malformed';
  field: string;
  fileSize: number;
}

/** The outcome of checking one file. (A file the system will not let main read is an AppError.) */
export type FileInspection =
  | { status: 'image'; image: DiskImage }
  | { status: 'damaged'; damaged: DamagedImage }
  | { status: 'empty' }
  | { status: 'not-a-file'; fileType: 'directory' | 'other' };

const gib = 1024 ** 3;

/** Glance's `min_disk` (whole GiB) for a virtual size, rounded up. */
export function minDiskGiB(virtualSize: number): number {
  return Math.ceil(virtualSize / gib);
}

/** Why nothing should be uploaded: the file's own refusals, or that it is no usable image. */
export type UploadBlock = RefuseReason | 'damaged' | 'empty' | 'not-a-file';

/** What to pre-fill in the create dialog, and whether the upload may go ahead. */
export interface UploadSuggestion {
  /** null: no disk format fits (compressed, foreign, damaged). */
  diskFormat: ContentDiskFormat | null;
  /** null: the virtual size is not known. */
  minDiskGiB: number | null;
  /** Empty: the upload may go ahead. */
  refuse: UploadBlock[];
  warn: WarnReason[];
}

const asDiskFormat: Record<DetectedFormat, ContentDiskFormat | null> = {
  raw: 'raw',
  qcow2: 'qcow2',
  vmdk: 'vmdk',
  vhd: 'vhd',
  vhdx: 'vhdx',
  vdi: 'vdi',
  iso: 'iso',
  gzip: null,
  xz: null,
  zstd: null,
  bzip2: null,
  zip: null,
  qed: null,
  luks: null,
};

export function suggestUpload(inspection: FileInspection): UploadSuggestion {
  switch (inspection.status) {
    case 'image': {
      const { image } = inspection;
      return {
        diskFormat: asDiskFormat[image.format],
        minDiskGiB: image.virtualSize === null ? null : minDiskGiB(image.virtualSize),
        refuse: image.refuse,
        warn: image.warn,
      };
    }
    case 'damaged':
      return { diskFormat: null, minDiskGiB: null, refuse: ['damaged'], warn: [] };
    case 'empty':
    case 'not-a-file':
      return { diskFormat: null, minDiskGiB: null, refuse: [inspection.status], warn: [] };
  }
}

/** Glance disk formats whose data is a plain disk: Amazon's machine, kernel and ramdisk images. */
const rawLike: ReadonlySet<string> = new Set(['raw', 'ami', 'aki', 'ari']);

/** A chosen `disk_format` that does not describe the content: what the content is, and what fits. */
export interface DiskFormatMismatch {
  chosen: string;
  content: DetectedFormat;
  suggested: ContentDiskFormat | null;
}

/**
 * Whether the `disk_format` the user chose describes the file; null when it does, or when
 * the file is no image to compare with (damaged, empty, not a file).
 */
export function diskFormatMismatch(
  inspection: FileInspection,
  chosen: string,
): DiskFormatMismatch | null {
  if (inspection.status !== 'image') return null;
  const content = inspection.image.format;
  const suggested = asDiskFormat[content];
  if (suggested === chosen || (suggested === 'raw' && rawLike.has(chosen))) return null;
  return { chosen, content, suggested };
}
