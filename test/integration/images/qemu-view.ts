// inspectFile's findings in the shape of `qemu-img info --output=json`, and qemu's answer
// without the fields inspectFile does not report, so that a test compares the two whole.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { DiskImage } from '../../../common/disk-image';

export const qemuImgPath = '/usr/bin/qemu-img';

export type QemuInfo = Record<string, unknown>;

/**
 * Runs qemu-img. A LUKS key is made by timing PBKDF2 for `iter-time` ms, which fails with
 * "Unable to get accurate CPU usage" when a loaded machine gives the thread no CPU time to
 * measure: that one failure is tried again, a few times.
 */
export function qemuImg(args: string[], cwd: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(qemuImgPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      return;
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
      if (attempt >= 5 || !stderr.includes('Unable to get accurate CPU usage')) throw error;
    }
  }
}

/** `qemu-img info --output=json`; `format` skips qemu's probe (it takes a fixed VHD for raw). */
export function qemuInfo(path: string, format?: string): QemuInfo {
  const args = ['info', '--output=json', ...(format === undefined ? [] : ['-f', format]), path];
  return JSON.parse(execFileSync(qemuImgPath, args, { encoding: 'utf8' })) as QemuInfo;
}

type Json = Record<string, unknown>;

/**
 * What qemu reports and inspectFile does not, removed: the file's name and allocated size,
 * the backing file's full path, a LUKS header's cipher, hash, key slots and UUID, a vmdk
 * parent's format (always vmdk), and what only opening another file tells (the cluster
 * size of a descriptor's sparse extents).
 */
export function comparableQemuInfo(info: QemuInfo): Json {
  const rest = { ...info };
  delete rest.filename;
  delete rest['actual-size'];
  delete rest['full-backing-filename'];
  const specific = rest['format-specific'] as { type: string; data: Json } | undefined;
  if (specific?.type === 'luks') delete rest['format-specific'];
  // Internal snapshots: inspectFile counts them; their names, dates and sizes are not read.
  if (Array.isArray(rest.snapshots)) rest.snapshots = rest.snapshots.length;
  if (specific?.type === 'qcow2' && specific.data.encrypt !== undefined) {
    const { format } = specific.data.encrypt as Json;
    specific.data.encrypt = { format };
  }
  if (specific?.type === 'vmdk') {
    // A vmdk's parent is a vmdk: qemu says so, the descriptor does not.
    delete rest['backing-filename-format'];
    const extents = specific.data.extents as Json[];
    const own = extents.length === 1 && extents[0]?.format === '';
    if (!own) {
      delete rest['cluster-size'];
      for (const extent of extents) delete extent['cluster-size'];
    }
  }
  return rest;
}

/** The same fields from inspectFile's findings on the file at `path`. */
export function asQemuInfo(image: DiskImage, path: string): Json {
  const common = { 'virtual-size': image.virtualSize, 'dirty-flag': false };
  switch (image.format) {
    case 'qcow2':
      return {
        ...common,
        format: 'qcow2',
        'cluster-size': image.clusterSize,
        'dirty-flag': image.dirty,
        ...(image.snapshotCount === 0 ? {} : { snapshots: image.snapshotCount }),
        ...(image.backingFile === null ? {} : { 'backing-filename': image.backingFile }),
        ...(image.backingFormat === null ? {} : { 'backing-filename-format': image.backingFormat }),
        ...(image.encryption === null ? {} : { encrypted: true }),
        'format-specific': {
          type: 'qcow2',
          data: {
            compat: image.version === 2 ? '0.10' : '1.1',
            'compression-type': image.compression,
            'refcount-bits': image.refcountBits,
            ...(image.version === 3
              ? {
                  'lazy-refcounts': image.lazyRefcounts,
                  corrupt: image.corrupt,
                  'extended-l2': image.extendedL2,
                }
              : {}),
            ...(image.externalDataFile === null
              ? {}
              : {
                  'data-file': image.externalDataFile.name,
                  'data-file-raw': image.externalDataFile.raw,
                }),
            ...(image.encryption === null ? {} : { encrypt: { format: image.encryption } }),
          },
        },
      };
    case 'vmdk': {
      const own = image.extents.length === 1 && !image.extents[0]?.inOtherFile;
      return {
        ...common,
        format: 'vmdk',
        ...(image.clusterSize === null || !own ? {} : { 'cluster-size': image.clusterSize }),
        ...(image.parentFileName === null ? {} : { 'backing-filename': image.parentFileName }),
        'format-specific': {
          type: 'vmdk',
          data: {
            cid: image.cid,
            'parent-cid': image.parentCid,
            'create-type': image.createType,
            extents: image.extents.map((extent) =>
              own
                ? {
                    ...(image.compressed ? { compressed: true } : {}),
                    'virtual-size': extent.size,
                    filename: path,
                    'cluster-size': image.clusterSize,
                    format: '',
                  }
                : {
                    'virtual-size': extent.size,
                    filename: join(dirname(path), extent.fileName ?? ''),
                    format: extent.type,
                  },
            ),
          },
        },
      };
    }
    case 'vhd':
      return {
        ...common,
        format: 'vpc',
        ...(image.blockSize === null ? {} : { 'cluster-size': image.blockSize }),
      };
    case 'vhdx':
    case 'vdi':
      return { ...common, format: image.format, 'cluster-size': image.blockSize };
    case 'qed':
      return {
        ...common,
        format: 'qed',
        'cluster-size': image.clusterSize,
        ...(image.backingFile === null ? {} : { 'backing-filename': image.backingFile }),
      };
    case 'luks':
      return { ...common, format: 'luks', encrypted: true };
    default:
      // raw, iso and compressed files: qemu reads them all as raw disks of the file's size,
      // rounded up to whole 512-byte sectors.
      return { ...common, format: 'raw', 'virtual-size': Math.ceil(image.fileSize / 512) * 512 };
  }
}
