// inspectFile on headers built byte by byte: every format's fields, what it refuses and
// warns about, huge sparse files read by their headers only, and files that are no image.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, truncate, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { suggestUpload } from '../../../common/disk-image';
import { failure } from '../../support/app-error';
import {
  isoDescriptors,
  qcow2,
  vdiHeader,
  vhdDynamicHeader,
  vhdFooter,
  vhdxParts,
  vmdkDescriptor,
  vmdkSparse,
  writeImage,
} from './headers';
import { imageOf, inspect, inspectParts, useTempFolder } from './inspect';
import { reads } from './read-record';

vi.mock('node:fs/promises', async (importOriginal) =>
  (await import('./read-record')).recordingFs(importOriginal),
);

const GiB = 1024 ** 3;
const hundredGB = 100 * GiB;
const folder = useTempFolder();

describe('qcow2', () => {
  it('reads a version 3 header with a 100 GB virtual size from its header only', async () => {
    const path = folder.path('big.qcow2');
    const inspection = await inspectParts(path, [[0, qcow2({ size: BigInt(hundredGB) })]], 196_608);
    expect(imageOf(inspection, 'qcow2')).toEqual({
      format: 'qcow2',
      fileSize: 196_608,
      refuse: [],
      warn: [],
      version: 3,
      virtualSize: hundredGB,
      clusterSize: 65_536,
      backingFile: null,
      backingFormat: null,
      externalDataFile: null,
      encryption: null,
      compression: 'zlib',
      extendedL2: false,
      lazyRefcounts: false,
      refcountBits: 16,
      dirty: false,
      corrupt: false,
      snapshotCount: 0,
      unknownFeatureBits: [],
    });
    expect(suggestUpload(inspection)).toEqual({
      diskFormat: 'qcow2',
      minDiskGiB: 100,
      refuse: [],
      warn: [],
    });
    expect(reads.opened).toEqual([path]);
    // The header cluster (64 KiB) and the probes; never the file's data.
    expect(reads.bytes).toBeLessThanOrEqual(80 * 1024);
  });

  it('reads version 2 (compat 0.10)', async () => {
    const image = imageOf(
      await inspectParts(folder.path('v2.qcow2'), [[0, qcow2({ version: 2, size: BigInt(GiB) })]]),
      'qcow2',
    );
    expect(image).toMatchObject({ version: 2, virtualSize: GiB, refcountBits: 16, refuse: [] });
  });

  it('refuses a backing file and names it and its format', async () => {
    const header = qcow2({
      size: BigInt(GiB),
      backingFile: '/var/lib/images/base.qcow2',
      extensions: [[0xe2792aca, Buffer.from('qcow2')]],
    });
    const image = imageOf(await inspectParts(folder.path('child.qcow2'), [[0, header]]), 'qcow2');
    expect(image).toMatchObject({
      backingFile: '/var/lib/images/base.qcow2',
      backingFormat: 'qcow2',
      refuse: ['backing-file'],
    });
    expect(reads.opened).toEqual([folder.path('child.qcow2')]);
  });

  it('refuses an external data file, named or not', async () => {
    const named = qcow2({
      size: BigInt(GiB),
      incompatible: 1n << 2n,
      autoclear: 1n << 1n,
      extensions: [[0x44415441, Buffer.from('../../data.raw')]],
    });
    expect(
      imageOf(await inspectParts(folder.path('named.qcow2'), [[0, named]]), 'qcow2'),
    ).toMatchObject({
      externalDataFile: { name: '../../data.raw', raw: true },
      refuse: ['external-data-file'],
    });
    const unnamed = qcow2({ size: BigInt(GiB), incompatible: 1n << 2n });
    expect(
      imageOf(await inspectParts(folder.path('unnamed.qcow2'), [[0, unnamed]]), 'qcow2'),
    ).toMatchObject({
      externalDataFile: { name: null, raw: false },
      refuse: ['external-data-file'],
    });
  });

  it('warns about encryption, a dirty or a corrupt image; refuses unknown features', async () => {
    const cases: [string, Buffer, object][] = [
      [
        'aes',
        qcow2({ version: 2, size: 1n << 30n, cryptMethod: 1 }),
        { encryption: 'aes', warn: ['encrypted'] },
      ],
      [
        'luks',
        qcow2({ size: 1n << 30n, cryptMethod: 2 }),
        { encryption: 'luks', warn: ['encrypted'] },
      ],
      ['dirty', qcow2({ size: 1n << 30n, incompatible: 1n }), { dirty: true, warn: ['dirty'] }],
      [
        'corrupt',
        qcow2({ size: 1n << 30n, incompatible: 2n }),
        { corrupt: true, warn: ['corrupt'] },
      ],
      [
        'zstd',
        qcow2({ size: 1n << 30n, incompatible: 1n << 3n, compressionType: 1 }),
        { compression: 'zstd', warn: [], refuse: [] },
      ],
      ['l2', qcow2({ size: 1n << 30n, incompatible: 1n << 4n }), { extendedL2: true, refuse: [] }],
      [
        'unknown',
        qcow2({ size: 1n << 30n, incompatible: (1n << 7n) | (1n << 63n) }),
        { unknownFeatureBits: [7, 63], refuse: ['unknown-features'] },
      ],
    ];
    for (const [name, header, expected] of cases) {
      const inspection = await inspectParts(folder.path(`${name}.qcow2`), [[0, header]]);
      expect(imageOf(inspection, 'qcow2'), name).toMatchObject(expected);
    }
  });
});

describe('vmdk', () => {
  const sparseDescriptor = (name: string, more = '') =>
    vmdkDescriptor('monolithicSparse', [`RW 2097152 SPARSE "${name}"`], more);

  it('reads a monolithic sparse file as one extent in itself', async () => {
    const path = folder.path('disk.vmdk');
    const image = imageOf(
      await inspectParts(path, [[0, vmdkSparse(2_097_152n, sparseDescriptor('disk.vmdk'))]]),
      'vmdk',
    );
    expect(image).toEqual({
      format: 'vmdk',
      fileSize: 11_264,
      refuse: [],
      warn: [],
      layout: 'sparse',
      version: 1,
      createType: 'monolithicSparse',
      virtualSize: GiB,
      clusterSize: 65_536,
      compressed: false,
      cid: 0x12345678,
      parentCid: 0xffffffff,
      parentFileName: null,
      extents: [
        { access: 'RW', type: 'SPARSE', size: GiB, fileName: 'disk.vmdk', inOtherFile: false },
      ],
    });
  });

  it('refuses a parent (a backing file)', async () => {
    const descriptor = sparseDescriptor('child.vmdk', 'parentFileNameHint="base.vmdk"');
    const image = imageOf(
      await inspectParts(folder.path('child.vmdk'), [[0, vmdkSparse(2_097_152n, descriptor)]]),
      'vmdk',
    );
    expect(image).toMatchObject({ parentFileName: 'base.vmdk', refuse: ['backing-file'] });
  });

  it('lists a descriptor file’s extents in other files and never opens them', async () => {
    const descriptor = vmdkDescriptor('monolithicFlat', [
      'RW 2048 FLAT "../../etc/passwd" 0',
      'RW 2048 FLAT "C:\\Windows\\win.ini" 0',
      'RW 2048 ZERO',
    ]);
    const path = folder.path('descriptor.vmdk');
    const image = imageOf(
      await inspectParts(path, [[0, Buffer.from(descriptor, 'latin1')]]),
      'vmdk',
    );
    expect(image).toMatchObject({
      layout: 'descriptor',
      version: null,
      createType: 'monolithicFlat',
      virtualSize: 3 * 2048 * 512,
      extents: [
        { access: 'RW', type: 'FLAT', fileName: '../../etc/passwd', inOtherFile: true },
        { access: 'RW', type: 'FLAT', fileName: 'C:\\Windows\\win.ini', inOtherFile: true },
        { access: 'RW', type: 'ZERO', fileName: null, inOtherFile: false },
      ],
      refuse: ['extent-in-other-file', 'unsupported-variant'],
    });
    expect(reads.opened).toEqual([path]);
  });

  it('refuses a sparse file whose descriptor names files elsewhere, or none at all', async () => {
    const cases: [string, bigint, string, string[]][] = [
      ['path', 2_097_152n, sparseDescriptor('../../etc/passwd'), ['extent-in-other-file']],
      [
        'two',
        2_097_152n,
        vmdkDescriptor('monolithicSparse', ['RW 2048 SPARSE "a.vmdk"', 'RW 2048 SPARSE "b.vmdk"']),
        ['extent-in-other-file'],
      ],
      // Without a capacity, qemu takes the descriptor's extents.
      ['empty', 0n, sparseDescriptor('other.vmdk'), ['extent-in-other-file']],
      ['none', 2_097_152n, vmdkDescriptor('monolithicSparse', []), ['unsafe-descriptor']],
    ];
    for (const [name, capacity, descriptor, refuse] of cases) {
      const path = folder.path(`${name}.vmdk`);
      const image = imageOf(
        await inspectParts(path, [[0, vmdkSparse(capacity, descriptor)]]),
        'vmdk',
      );
      expect(image.refuse, name).toEqual(refuse);
      expect(reads.opened).toEqual([path]);
    }
  });

  it('refuses descriptor lines Glance does not accept, and text that is not ASCII', async () => {
    for (const [name, more] of [
      ['stray', 'rm -rf /'],
      ['spaced', 'createType = "monolithicSparse"'],
      ['unicode', 'ddb.comment = "磁盘"'],
    ] as const) {
      const descriptor = Buffer.from(sparseDescriptor(`${name}.vmdk`, more), 'utf8');
      const header = vmdkSparse(2_097_152n, descriptor.toString('latin1'));
      const image = imageOf(await inspectParts(folder.path(`${name}.vmdk`), [[0, header]]), 'vmdk');
      expect(image.refuse, name).toEqual(['unsafe-descriptor']);
    }
  });

  it('reads the header from the footer of a streamOptimized file that keeps it at the end', async () => {
    const header = vmdkSparse(0n, vmdkDescriptor('streamOptimized', ['RW 4096 SPARSE "s.vmdk"']));
    header.writeUInt32LE(3, 4);
    header.writeUInt32LE(0x30001, 8);
    header.writeBigUInt64LE(0xffff_ffff_ffff_ffffn, 56);
    const footer = Buffer.alloc(1536);
    footer.writeUInt32LE(3, 12); // footer marker
    header.copy(footer, 512, 0, 512);
    footer.writeBigUInt64LE(4096n, 512 + 12); // the capacity, in the footer only
    footer.writeBigUInt64LE(21n, 512 + 56); // the grain directory, after the descriptor
    const size = 64 * 1024;
    const image = imageOf(
      await inspectParts(
        folder.path('s.vmdk'),
        [
          [0, header],
          [size - 1536, footer],
        ],
        size,
      ),
      'vmdk',
    );
    expect(image).toMatchObject({
      createType: 'streamOptimized',
      version: 3,
      compressed: true,
      virtualSize: 4096 * 512,
      refuse: [],
    });
  });
});

describe('vhd', () => {
  it('reads a dynamic disk from the footer copy at the start', async () => {
    const footer = vhdFooter({ type: 3, size: 10n * BigInt(GiB) });
    const parts: [number, Buffer][] = [
      [0, footer],
      [512, vhdDynamicHeader(2 << 20)],
      [8192 - 512, footer],
    ];
    expect(imageOf(await inspectParts(folder.path('d.vhd'), parts, 8192), 'vhd')).toEqual({
      format: 'vhd',
      fileSize: 8192,
      refuse: [],
      warn: [],
      type: 'dynamic',
      virtualSize: 10 * GiB,
      currentSize: 10 * GiB,
      creatorApp: 'win ',
      blockSize: 2 << 20,
      parentName: null,
    });
  });

  it('reads a fixed disk from its footer at the end, sized by geometry for qemu', async () => {
    const size = 20 * 16 * 63 * 512;
    const footer = vhdFooter({
      type: 2,
      size: BigInt(size + 4096),
      creator: 'qemu',
      geometry: [20, 16, 63],
    });
    const image = imageOf(
      await inspectParts(folder.path('f.vhd'), [[size, footer]], size + 512),
      'vhd',
    );
    expect(image).toMatchObject({ type: 'fixed', virtualSize: size, currentSize: size + 4096 });
  });

  it('refuses a differencing disk and names its parent', async () => {
    const footer = vhdFooter({ type: 4, size: BigInt(GiB) });
    const parts: [number, Buffer][] = [
      [0, footer],
      [512, vhdDynamicHeader(2 << 20, 'C:\\images\\parent.vhd')],
      [8192 - 512, footer],
    ];
    expect(imageOf(await inspectParts(folder.path('c.vhd'), parts, 8192), 'vhd')).toMatchObject({
      type: 'differencing',
      parentName: 'C:\\images\\parent.vhd',
      refuse: ['backing-file'],
    });
  });
});

describe('vhdx, vdi, iso, qed, luks', () => {
  it('reads a vhdx’s virtual size from its metadata region', async () => {
    const image = imageOf(
      await inspectParts(folder.path('x.vhdx'), vhdxParts(BigInt(hundredGB))),
      'vhdx',
    );
    expect(image).toMatchObject({
      virtualSize: hundredGB,
      blockSize: 32 << 20,
      logicalSectorSize: 512,
      hasParent: false,
      refuse: [],
    });
    const child = imageOf(
      await inspectParts(folder.path('c.vhdx'), vhdxParts(1n << 30n, 2)),
      'vhdx',
    );
    expect(child).toMatchObject({ hasParent: true, refuse: ['backing-file'] });
  });

  it('reads a vdi’s type and size; refuses a differencing or undo disk', async () => {
    const cases: [number, Buffer | undefined, object][] = [
      [1, undefined, { type: 'dynamic', refuse: [] }],
      [2, undefined, { type: 'static', refuse: [] }],
      [3, undefined, { type: 'undo', refuse: ['unsupported-variant'] }],
      [4, Buffer.alloc(16, 7), { type: 'differencing', refuse: ['backing-file'] }],
      [1, Buffer.alloc(16, 7), { type: 'dynamic', refuse: ['backing-file'] }],
    ];
    for (const [i, [type, parent, expected]] of cases.entries()) {
      const header = vdiHeader(type, 5n * BigInt(GiB), parent);
      const image = imageOf(await inspectParts(folder.path(`${i}.vdi`), [[0, header]]), 'vdi');
      expect(image).toMatchObject({ ...expected, virtualSize: 5 * GiB, blockSize: 1 << 20 });
    }
  });

  it('reads an ISO 9660 volume’s size and identifier', async () => {
    const parts = isoDescriptors(200, 'DEBIAN 12');
    const image = imageOf(await inspectParts(folder.path('a.iso'), parts, 200 * 2048), 'iso');
    expect(image).toEqual({
      format: 'iso',
      fileSize: 200 * 2048,
      refuse: [],
      warn: [],
      virtualSize: 200 * 2048,
      volumeId: 'DEBIAN 12',
    });
    expect(suggestUpload({ status: 'image', image })).toMatchObject({
      diskFormat: 'iso',
      minDiskGiB: 1,
    });
  });

  it('refuses another format’s header in front of an ISO volume', async () => {
    const parts: [number, Buffer][] = [[0, qcow2({ size: 1n << 30n })], ...isoDescriptors(64)];
    const image = imageOf(await inspectParts(folder.path('both.iso'), parts, 64 * 2048), 'qcow2');
    expect(image.refuse).toEqual(['several-formats']);
  });

  it('names qed and luks, which Glance has no disk format for', async () => {
    const qed = Buffer.alloc(4096);
    qed.write('QED\0', 0, 'latin1');
    qed.writeUInt32LE(65_536, 4);
    qed.writeBigUInt64LE(1n, 16);
    qed.writeBigUInt64LE(1n << 30n, 48);
    qed.writeUInt32LE(1024, 56);
    qed.writeUInt32LE(8, 60);
    qed.write('base.img', 1024, 'latin1');
    expect(imageOf(await inspectParts(folder.path('q.qed'), [[0, qed]]), 'qed')).toEqual({
      format: 'qed',
      fileSize: 4096,
      refuse: ['unsupported-format', 'backing-file'],
      warn: [],
      virtualSize: GiB,
      clusterSize: 65_536,
      backingFile: 'base.img',
    });
    const luks = Buffer.alloc(4096);
    luks.write('LUKS\xba\xbe', 0, 'latin1');
    luks.writeUInt16BE(1, 6);
    luks.writeUInt32BE(4, 104); // payload at sector 4
    expect(
      imageOf(await inspectParts(folder.path('l.luks'), [[0, luks]], 1 << 20), 'luks'),
    ).toEqual({
      format: 'luks',
      fileSize: 1 << 20,
      refuse: ['unsupported-format'],
      warn: ['encrypted'],
      version: 1,
      virtualSize: (1 << 20) - 2048,
    });
  });
});

describe('compressed files and raw disks', () => {
  it('names gzip, xz, zstd, bzip2 and zip files as compressed', async () => {
    const cases: [string, Buffer][] = [
      ['gzip', gzipSync(qcow2({ size: 1n << 30n }))],
      ['xz', Buffer.from('fd377a585a000004e6d6b446', 'hex')],
      ['zstd', Buffer.from('28b52ffd0458', 'hex')],
      ['bzip2', Buffer.from('BZh91AY&SY', 'latin1')],
      ['zip', Buffer.from('PK\x03\x04\x14\x00', 'latin1')],
      ['zip', Buffer.from('PK\x05\x06\x00\x00', 'latin1')],
    ];
    for (const [i, [format, bytes]] of cases.entries()) {
      const inspection = await inspectParts(folder.path(`${i}.bin`), [[0, bytes]]);
      expect(inspection, format).toEqual({
        status: 'image',
        image: {
          format,
          fileSize: bytes.length,
          refuse: [],
          warn: ['compressed'],
          virtualSize: null,
        },
      });
      expect(suggestUpload(inspection)).toEqual({
        diskFormat: null,
        minDiskGiB: null,
        refuse: [],
        warn: ['compressed'],
      });
    }
  });

  it('takes anything else as a raw disk of its own size', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251));
    const inspection = await inspectParts(folder.path('garbage.img'), [[0, bytes]]);
    expect(inspection).toEqual({
      status: 'image',
      image: { format: 'raw', fileSize: 5000, refuse: [], warn: [], virtualSize: 5000 },
    });
    expect(suggestUpload(inspection)).toMatchObject({ diskFormat: 'raw', minDiskGiB: 1 });
  });

  it('reads a 100 GB sparse raw file by its headers only', async () => {
    const path = folder.path('sparse.img');
    await writeFile(path, '');
    await truncate(path, hundredGB);
    const inspection = await inspect(path);
    expect(imageOf(inspection, 'raw').virtualSize).toBe(hundredGB);
    expect(suggestUpload(inspection).minDiskGiB).toBe(100);
    expect(reads.opened).toEqual([path]);
    expect(reads.bytes).toBeLessThanOrEqual(4096);
  });
});

describe('files that are no image', () => {
  it('says a 0-byte file is empty', async () => {
    const path = folder.path('empty.img');
    await writeFile(path, '');
    expect(await inspect(path)).toEqual({ status: 'empty' });
  });

  it('says a folder, a FIFO or a device is not a file, without waiting on it', async () => {
    const dir = folder.path('folder.qcow2');
    await mkdir(dir);
    expect(await inspect(dir)).toEqual({ status: 'not-a-file', fileType: 'directory' });
    const fifo = folder.path('pipe.img');
    execFileSync('mkfifo', [fifo]);
    expect(await inspect(fifo)).toEqual({ status: 'not-a-file', fileType: 'other' });
    expect(await inspect('/dev/zero')).toEqual({ status: 'not-a-file', fileType: 'other' });
  });

  it('reports a missing or unreachable file as a file-system error', async () => {
    await failure(inspect(folder.path('missing.img')), 'filesystem', {
      reason: 'path-missing',
      path: folder.path('missing.img'),
    });
    const file = folder.path('file');
    await writeImage(file, [[0, Buffer.from('x')]]);
    await failure(inspect(`${file}/inside.img`), 'filesystem', { reason: 'not-a-folder' });
  });

  // root reads any file whatever its mode, so this runs only for other users.
  it.skipIf(process.getuid?.() === 0)('reports a file it may not read', async () => {
    const path = folder.path('secret.img');
    await writeImage(path, [[0, Buffer.from('x')]]);
    await chmod(path, 0);
    await failure(inspect(path), 'filesystem', { reason: 'no-permission', path });
  });
});
