// inspectFile against qemu-img (installed with Glance's Debian packages, as qemu-utils): files
// made by `qemu-img create` / `convert` in every format, each compared field by field with
// `qemu-img info --output=json` on the same file, and what inspectFile refuses and warns about.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  suggestUpload,
  type DiskImage,
  type FileInspection,
  type RefuseReason,
  type WarnReason,
} from '../../../common/disk-image';
import { inspectFile } from '../../../main/images/inspect-file';
import { isoDescriptors, writeImage } from '../../unit/images/headers';
import { asQemuInfo, comparableQemuInfo, qemuImg, qemuImgPath, qemuInfo } from './qemu-view';

let dir = '';
const at = (name: string) => join(dir, name);
const GiB = 1024 ** 3;
const secret = ['--object', 'secret,id=sec0,data=not-a-real-secret'];

beforeAll(async () => {
  if (!existsSync(qemuImgPath)) {
    throw new Error(`${qemuImgPath} is missing: install qemu-utils (python3-glance depends on it)`);
  }
  dir = await mkdtemp(join(tmpdir(), 'glance-desk-qemu-img-'));
  // 4 MiB of data with holes, for `qemu-img convert` to allocate clusters from.
  const data = Buffer.alloc(4 << 20);
  for (let i = 0; i < data.length; i += 3) data[i] = (i * 2654435761) >>> 24;
  data.fill(0, 1 << 20, 2 << 20);
  await writeFile(at('data.raw'), data);
  qemuImg(['create', '-q', '-f', 'qcow2', 'base.qcow2', '1G'], dir);
  qemuImg(['create', '-q', '-f', 'vmdk', 'base.vmdk', '1G'], dir);
});

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

function imageOf(inspection: FileInspection): DiskImage {
  if (inspection.status !== 'image') throw new Error(`not an image: ${JSON.stringify(inspection)}`);
  return inspection.image;
}

interface Case {
  name: string;
  file: string;
  /** qemu-img argument lists, run in the folder. */
  make: string[][];
  /** `qemu-img info -f`: qemu's probe takes a fixed VHD for raw. */
  infoFormat?: string;
  refuse?: RefuseReason[];
  warn?: WarnReason[];
  /** More fields of the finding to check. */
  fields?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'qcow2 version 2 (compat 0.10)',
    file: 'v2.qcow2',
    make: [['create', '-q', '-f', 'qcow2', '-o', 'compat=0.10', 'v2.qcow2', '1G']],
    fields: { version: 2 },
  },
  {
    name: 'qcow2 version 3 with a 100 GB virtual size',
    file: 'big.qcow2',
    make: [['create', '-q', '-f', 'qcow2', 'big.qcow2', '100G']],
    fields: { version: 3, virtualSize: 100 * GiB },
  },
  {
    name: 'qcow2 with a backing file',
    file: 'child.qcow2',
    make: [['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', 'child.qcow2']],
    refuse: ['backing-file'],
    fields: { backingFile: 'base.qcow2', backingFormat: 'qcow2' },
  },
  {
    name: 'qcow2 with a version 2 backing file',
    file: 'child-v2.qcow2',
    make: [
      [
        'create',
        ...['-q', '-f', 'qcow2', '-o', 'compat=0.10', '-b', 'base.qcow2', '-F', 'qcow2'],
        'child-v2.qcow2',
      ],
    ],
    refuse: ['backing-file'],
  },
  {
    name: 'qcow2 with an external data file',
    file: 'external.qcow2',
    make: [
      ['create', '-q', '-f', 'qcow2', '-o', 'data_file=external.data', 'external.qcow2', '64M'],
    ],
    refuse: ['external-data-file'],
    fields: { externalDataFile: { name: 'external.data', raw: false } },
  },
  {
    name: 'qcow2 with a raw external data file',
    file: 'external-raw.qcow2',
    make: [
      [
        'create',
        ...['-q', '-f', 'qcow2', '-o', 'data_file=external-raw.data,data_file_raw=on'],
        ...['external-raw.qcow2', '64M'],
      ],
    ],
    refuse: ['external-data-file'],
    fields: { externalDataFile: { name: 'external-raw.data', raw: true } },
  },
  {
    name: 'qcow2 encrypted with LUKS',
    file: 'luks.qcow2',
    make: [
      [
        'create',
        ...['-q', ...secret, '-f', 'qcow2'],
        ...['-o', 'encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=100'],
        ...['luks.qcow2', '64M'],
      ],
    ],
    warn: ['encrypted'],
    fields: { encryption: 'luks' },
  },
  {
    name: 'qcow2 version 2 encrypted with AES',
    file: 'aes.qcow2',
    make: [
      [
        'create',
        ...['-q', ...secret, '-f', 'qcow2'],
        ...['-o', 'compat=0.10,encrypt.format=aes,encrypt.key-secret=sec0', 'aes.qcow2', '64M'],
      ],
    ],
    warn: ['encrypted'],
    fields: { encryption: 'aes' },
  },
  {
    name: 'qcow2 with zstd compression',
    file: 'zstd.qcow2',
    make: [['create', '-q', '-f', 'qcow2', '-o', 'compression_type=zstd', 'zstd.qcow2', '1G']],
    fields: { compression: 'zstd' },
  },
  {
    name: 'qcow2 with extended L2 entries and 128 KiB clusters',
    file: 'l2.qcow2',
    make: [
      ['create', '-q', '-f', 'qcow2', '-o', 'extended_l2=on,cluster_size=128k', 'l2.qcow2', '1G'],
    ],
    fields: { extendedL2: true, clusterSize: 128 * 1024 },
  },
  {
    name: 'qcow2 with lazy 1-bit refcounts',
    file: 'lazy.qcow2',
    make: [
      [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        'lazy_refcounts=on,refcount_bits=1',
        'lazy.qcow2',
        '1G',
      ],
    ],
    fields: { lazyRefcounts: true, refcountBits: 1 },
  },
  {
    name: 'qcow2 converted with compressed clusters',
    file: 'compressed.qcow2',
    make: [['convert', '-c', '-O', 'qcow2', 'data.raw', 'compressed.qcow2']],
  },
  {
    name: 'qcow2 with two internal snapshots',
    file: 'snapshots.qcow2',
    make: [
      ['convert', '-O', 'qcow2', 'data.raw', 'snapshots.qcow2'],
      ['snapshot', '-c', 'first', 'snapshots.qcow2'],
      ['snapshot', '-c', 'second', 'snapshots.qcow2'],
    ],
    fields: { snapshotCount: 2 },
  },
  {
    name: 'qcow2 converted with 64-bit refcounts and 4 KiB clusters',
    file: 'r64.qcow2',
    make: [
      ['convert', '-O', 'qcow2', '-o', 'refcount_bits=64,cluster_size=4k', 'data.raw', 'r64.qcow2'],
    ],
    fields: { refcountBits: 64, clusterSize: 4096 },
  },
  {
    name: 'vmdk monolithicSparse',
    file: 'sparse.vmdk',
    make: [['create', '-q', '-f', 'vmdk', 'sparse.vmdk', '1G']],
    fields: { layout: 'sparse', createType: 'monolithicSparse' },
  },
  {
    name: 'vmdk streamOptimized, converted',
    file: 'stream.vmdk',
    make: [['convert', '-O', 'vmdk', '-o', 'subformat=streamOptimized', 'data.raw', 'stream.vmdk']],
    fields: { layout: 'sparse', createType: 'streamOptimized', compressed: true, version: 3 },
  },
  {
    name: 'vmdk monolithicFlat: a descriptor and a flat extent in another file',
    file: 'flat.vmdk',
    make: [['create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', 'flat.vmdk', '100M']],
    refuse: ['extent-in-other-file', 'unsupported-variant'],
    fields: {
      layout: 'descriptor',
      extents: [
        {
          access: 'RW',
          type: 'FLAT',
          size: 100 << 20,
          fileName: 'flat-flat.vmdk',
          inOtherFile: true,
        },
      ],
    },
  },
  {
    name: 'vmdk twoGbMaxExtentSparse',
    file: 'split.vmdk',
    make: [
      ['create', '-q', '-f', 'vmdk', '-o', 'subformat=twoGbMaxExtentSparse', 'split.vmdk', '5G'],
    ],
    refuse: ['extent-in-other-file', 'unsupported-variant'],
  },
  {
    name: 'vmdk twoGbMaxExtentFlat',
    file: 'split-flat.vmdk',
    make: [
      ['create', '-q', '-f', 'vmdk', '-o', 'subformat=twoGbMaxExtentFlat', 'split-flat.vmdk', '3G'],
    ],
    refuse: ['extent-in-other-file', 'unsupported-variant'],
  },
  {
    name: 'vmdk with a parent',
    file: 'child.vmdk',
    make: [['create', '-q', '-f', 'vmdk', '-b', 'base.vmdk', '-F', 'vmdk', 'child.vmdk']],
    refuse: ['backing-file'],
    fields: { parentFileName: 'base.vmdk' },
  },
  {
    name: 'vhd dynamic, sized by its geometry',
    file: 'dynamic.vhd',
    make: [['create', '-q', '-f', 'vpc', 'dynamic.vhd', '1G']],
    fields: { type: 'dynamic', creatorApp: 'qemu', virtualSize: 1_073_995_776 },
  },
  {
    name: 'vhd dynamic, sized by its footer (force_size)',
    file: 'forced.vhd',
    make: [['create', '-q', '-f', 'vpc', '-o', 'force_size=on', 'forced.vhd', '1G']],
    fields: { type: 'dynamic', creatorApp: 'qem2', virtualSize: GiB },
  },
  {
    name: 'vhd dynamic, converted',
    file: 'data.vhd',
    make: [['convert', '-O', 'vpc', 'data.raw', 'data.vhd']],
    fields: { type: 'dynamic' },
  },
  {
    name: 'vhd fixed (footer at the end only)',
    file: 'fixed.vhd',
    make: [['create', '-q', '-f', 'vpc', '-o', 'subformat=fixed', 'fixed.vhd', '64M']],
    infoFormat: 'vpc',
    fields: { type: 'fixed' },
  },
  {
    name: 'vhdx',
    file: 'disk.vhdx',
    make: [['create', '-q', '-f', 'vhdx', 'disk.vhdx', '1G']],
  },
  {
    name: 'vhdx converted, 1 MiB blocks',
    file: 'data.vhdx',
    make: [['convert', '-O', 'vhdx', '-o', 'block_size=1M', 'data.raw', 'data.vhdx']],
    fields: { blockSize: 1 << 20 },
  },
  {
    name: 'vhdx fixed',
    file: 'fixed.vhdx',
    make: [['create', '-q', '-f', 'vhdx', '-o', 'subformat=fixed', 'fixed.vhdx', '16M']],
  },
  {
    name: 'vdi dynamic',
    file: 'dynamic.vdi',
    make: [['create', '-q', '-f', 'vdi', 'dynamic.vdi', '1G']],
    fields: { type: 'dynamic' },
  },
  {
    name: 'vdi static',
    file: 'static.vdi',
    make: [['create', '-q', '-f', 'vdi', '-o', 'static=on', 'static.vdi', '64M']],
    fields: { type: 'static' },
  },
  {
    name: 'vdi converted',
    file: 'data.vdi',
    make: [['convert', '-O', 'vdi', 'data.raw', 'data.vdi']],
  },
  {
    name: 'raw',
    file: 'disk.raw',
    make: [['create', '-q', '-f', 'raw', 'disk.raw', '1G']],
  },
  {
    name: 'qed (no Glance disk format)',
    file: 'disk.qed',
    make: [['create', '-q', '-f', 'qed', 'disk.qed', '1G']],
    refuse: ['unsupported-format'],
  },
  {
    name: 'qed with a backing file',
    file: 'child.qed',
    make: [['create', '-q', '-f', 'qed', '-b', 'base.qcow2', '-F', 'qcow2', 'child.qed']],
    refuse: ['unsupported-format', 'backing-file'],
  },
  {
    name: 'luks (no Glance disk format)',
    file: 'disk.luks',
    make: [
      [
        'create',
        '-q',
        ...secret,
        '-f',
        'luks',
        '-o',
        'key-secret=sec0,iter-time=100',
        'disk.luks',
        '16M',
      ],
    ],
    refuse: ['unsupported-format'],
    warn: ['encrypted'],
  },
];

describe('every format qemu-img makes, compared with qemu-img info', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      for (const args of testCase.make) qemuImg(args, dir);
      const path = at(testCase.file);
      const image = imageOf(await inspectFile(path));
      expect(asQemuInfo(image, path)).toEqual(
        comparableQemuInfo(qemuInfo(path, testCase.infoFormat)),
      );
      expect(image.refuse).toEqual(testCase.refuse ?? []);
      expect(image.warn).toEqual(testCase.warn ?? []);
      expect(image).toMatchObject(testCase.fields ?? {});
    });
  }

  it('qemu’s own probe takes a fixed vhd for raw', () => {
    expect(qemuInfo(at('fixed.vhd')).format).toBe('raw');
  });

  it('suggests min_disk from the virtual size, rounded up', async () => {
    expect(suggestUpload(await inspectFile(at('big.qcow2')))).toEqual({
      diskFormat: 'qcow2',
      minDiskGiB: 100,
      refuse: [],
      warn: [],
    });
    expect(suggestUpload(await inspectFile(at('dynamic.vhd')))).toMatchObject({
      diskFormat: 'vhd',
      minDiskGiB: 2, // 1 GiB + 254 KiB, by the geometry
    });
  });
});

describe('files qemu reads as raw', () => {
  it('an ISO 9660 volume: its volume size, where qemu sees the file size', async () => {
    const path = at('volume.iso');
    await writeImage(path, isoDescriptors(1024, 'GLANCE_DESK_TEST'), 1024 * 2048 + 4096);
    const image = imageOf(await inspectFile(path));
    expect(image).toMatchObject({
      format: 'iso',
      virtualSize: 1024 * 2048,
      volumeId: 'GLANCE_DESK_TEST',
    });
    expect(asQemuInfo(image, path)).toEqual(comparableQemuInfo(qemuInfo(path)));
  });

  const tools: [format: string, command: string, args: (file: string) => string[]][] = [
    ['xz', 'xz', (file) => ['-k', '-0', file]],
    ['zstd', 'zstd', (file) => ['-q', file]],
    ['bzip2', 'bzip2', (file) => ['-k', file]],
    ['zip', 'zip', (file) => ['-q', `${file}.zip`, file]],
  ];
  // scripts/install-system-deps.sh installs all four: a missing one fails here, not skips.
  it('compressed copies of a qcow2: gzip (node:zlib), xz, zstd, bzip2 and zip', async () => {
    const source = at('sparse.vmdk');
    const gzipped = at('sparse.vmdk.gz');
    await writeFile(gzipped, gzipSync(await readFile(source)));
    const made: [string, string][] = [['gzip', gzipped]];
    for (const [format, command, args] of tools) {
      execFileSync(command, args('sparse.vmdk'), { cwd: dir });
      made.push([
        format,
        at(`sparse.vmdk.${{ xz: 'xz', zstd: 'zst', bzip2: 'bz2', zip: 'zip' }[format]}`),
      ]);
    }
    for (const [format, path] of made) {
      const image = imageOf(await inspectFile(path));
      expect(image, format).toMatchObject({ format, virtualSize: null, warn: ['compressed'] });
      expect(asQemuInfo(image, path), format).toEqual(comparableQemuInfo(qemuInfo(path)));
    }
  });
});

describe('a qcow2 cut short, as by a download that stopped', () => {
  it('is truncated where qemu-img info sees nothing wrong and qemu-img check finds corruption', async () => {
    qemuImg(['convert', '-O', 'qcow2', 'data.raw', 'whole.qcow2'], dir);
    await copyFile(at('whole.qcow2'), at('cut.qcow2'));
    await truncate(at('cut.qcow2'), 2 << 20);
    expect(await inspectFile(at('cut.qcow2'))).toEqual({
      status: 'damaged',
      damaged: { format: 'qcow2', damage: 'truncated', field: 'clusters', fileSize: 2 << 20 },
    });
    expect(qemuInfo(at('cut.qcow2'))).toMatchObject({ format: 'qcow2', 'virtual-size': 4 << 20 });
    const check = spawnSync(qemuImgPath, ['check', at('cut.qcow2')], { stdio: 'ignore' });
    expect(check.status).toBe(2); // qemu-img check: corruptions found
  });
});
