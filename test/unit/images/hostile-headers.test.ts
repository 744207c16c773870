// Headers built to break a parser — absurd offsets and lengths, contradictions, files cut
// short at every length — each end in a typed outcome naming the part, never a throw.
import { describe, expect, it, vi } from 'vitest';
import type { FileInspection } from '../../../common/disk-image';
import {
  isoDescriptors,
  qcow2,
  vdiHeader,
  vhdDynamicHeader,
  vhdFooter,
  vhdxParts,
  vmdkDescriptor,
  vmdkSparse,
  type Qcow2Options,
} from './headers';
import { expectDamaged, inspectParts, useTempFolder } from './inspect';
import { reads } from './read-record';

vi.mock('node:fs/promises', async (importOriginal) =>
  (await import('./read-record')).recordingFs(importOriginal),
);

const folder = useTempFolder();
const GiB = 1n << 30n;
let fileNumber = 0;
const nextPath = (extension: string) => folder.path(`${fileNumber++}.${extension}`);

describe('qcow2 headers that lie', () => {
  const cases: [string, Qcow2Options, 'truncated' | 'malformed', string][] = [
    [
      'backing file offset beyond 2^53',
      { size: GiB, backingOffset: 1n << 63n, backingLength: 10 },
      'malformed',
      'backing_file_offset',
    ],
    [
      'backing file offset past the first cluster',
      { size: GiB, backingOffset: 1n << 20n, backingLength: 10 },
      'malformed',
      'backing_file_offset',
    ],
    [
      'backing file name of 4 GiB',
      { size: GiB, backingOffset: 512n, backingLength: 0xffffffff },
      'malformed',
      'backing_file_size',
    ],
    [
      'backing file name running past the cluster',
      { size: GiB, clusterBits: 9, backingOffset: 500n, backingLength: 100 },
      'malformed',
      'backing_file_size',
    ],
    [
      'backing file name past the end of the file',
      { size: GiB, backingOffset: 60_000n, backingLength: 100 },
      'truncated',
      'backing_file',
    ],
    ['version 4', { size: GiB, version: 4 }, 'malformed', 'version'],
    ['cluster bits 40', { size: GiB, clusterBits: 40 }, 'malformed', 'cluster_bits'],
    ['cluster bits 8', { size: GiB, clusterBits: 8 }, 'malformed', 'cluster_bits'],
    ['virtual size 2^63', { size: 1n << 63n }, 'malformed', 'size'],
    ['encryption method 7', { size: GiB, cryptMethod: 7 }, 'malformed', 'crypt_method'],
    [
      'compression type without its feature bit',
      { size: GiB, compressionType: 1 },
      'malformed',
      'compression_type',
    ],
    [
      'unknown compression type',
      { size: GiB, compressionType: 9, incompatible: 1n << 3n },
      'malformed',
      'compression_type',
    ],
    [
      'an extension longer than the cluster',
      { size: GiB, clusterBits: 9, extensions: [[0x44415441, Buffer.alloc(600)]] },
      'malformed',
      'header_extension',
    ],
  ];
  for (const [name, options, damage, field] of cases) {
    it(`reports ${name}`, async () => {
      const inspection = await inspectParts(nextPath('qcow2'), [[0, qcow2(options)]]);
      expectDamaged(inspection, { format: 'qcow2', damage, field });
    });
  }

  it('reports tables and clusters beyond the end of the file as truncated', async () => {
    const l1 = qcow2({ size: GiB });
    l1.writeUInt32BE(16, 36); // 16 L1 entries…
    l1.writeBigUInt64BE(1n << 40n, 40); // …at 1 TiB
    expectDamaged(await inspectParts(nextPath('qcow2'), [[0, l1]]), {
      format: 'qcow2',
      damage: 'truncated',
      field: 'l1_table',
    });

    const l2 = qcow2({ size: GiB });
    l2.writeUInt32BE(1, 36);
    l2.writeBigUInt64BE(2048n, 40);
    l2.writeBigUInt64BE(0x8000_0000_0100_0000n, 2048); // an L2 table at 16 MiB
    expectDamaged(await inspectParts(nextPath('qcow2'), [[0, l2]]), {
      format: 'qcow2',
      damage: 'truncated',
      field: 'l1_table',
    });

    // The refcounts count cluster 1600 (at 6.25 MiB) in a file of 8 KiB.
    const refcounts = qcow2({ size: GiB, clusterBits: 12 });
    refcounts.writeBigUInt64BE(1024n, 48);
    refcounts.writeUInt32BE(1, 56);
    const table = Buffer.alloc(8);
    table.writeBigUInt64BE(4096n, 0);
    const block = Buffer.alloc(4096);
    block.writeUInt16BE(1, 1600 * 2);
    expectDamaged(
      await inspectParts(nextPath('qcow2'), [
        [0, refcounts.subarray(0, 1024)],
        [1024, table],
        [4096, block],
      ]),
      { format: 'qcow2', damage: 'truncated', field: 'clusters' },
    );
  });
});

describe('vmdk headers that lie', () => {
  const descriptor = vmdkDescriptor('monolithicSparse', ['RW 2048 SPARSE "x.vmdk"']);

  it('reports a descriptor past the end, a bad version, grain or table size', async () => {
    const cases: [string, (header: Buffer) => void, string][] = [
      ['descriptor', (h) => h.writeBigUInt64LE(1n << 30n, 28), 'descriptor'],
      ['version', (h) => h.writeUInt32LE(9, 4), 'version'],
      ['grain', (h) => h.writeBigUInt64LE(3n, 20), 'granularity'],
      ['huge grain', (h) => h.writeBigUInt64LE(1n << 40n, 20), 'granularity'],
      ['tables', (h) => h.writeUInt32LE(0, 44), 'num_gtes_per_gt'],
      ['capacity', (h) => h.writeBigUInt64LE(1n << 60n, 12), 'capacity'],
      ['directory', (h) => h.writeBigUInt64LE(1n << 30n, 56), 'grain_directory'],
    ];
    for (const [name, change, field] of cases) {
      const header = vmdkSparse(2048n, descriptor);
      change(header);
      const inspection = await inspectParts(nextPath('vmdk'), [[0, header]]);
      const damage = name === 'descriptor' || name === 'directory' ? 'truncated' : 'malformed';
      expectDamaged(inspection, { format: 'vmdk', damage, field });
    }
  });

  it('reports a footer that is not there', async () => {
    const header = vmdkSparse(0n, descriptor);
    header.writeBigUInt64LE(0xffff_ffff_ffff_ffffn, 56);
    expectDamaged(await inspectParts(nextPath('vmdk'), [[0, header]], 64 * 1024), {
      format: 'vmdk',
      damage: 'malformed',
      field: 'footer',
    });
    const tiny = header.subarray(0, 512);
    expectDamaged(await inspectParts(nextPath('vmdk'), [[0, tiny]]), {
      format: 'vmdk',
      damage: 'truncated',
      field: 'footer',
    });
  });

  it('reports an extent of 10^20 sectors', async () => {
    const text = vmdkDescriptor('monolithicFlat', ['RW 99999999999999999999 FLAT "x-flat.vmdk" 0']);
    expectDamaged(await inspectParts(nextPath('vmdk'), [[0, Buffer.from(text)]]), {
      format: 'vmdk',
      damage: 'malformed',
      field: 'descriptor',
    });
  });

  it('never opens an extent, however it is named', async () => {
    const names = [
      '../../etc/passwd',
      '/etc/shadow',
      '\\\\server\\share\\disk.vmdk',
      '/dev/zero',
      'x'.repeat(400),
    ];
    const text = vmdkDescriptor(
      'twoGbMaxExtentSparse',
      names.map((name) => `RW 8 SPARSE "${name}"`),
    );
    const path = nextPath('vmdk');
    const inspection = await inspectParts(path, [[0, Buffer.from(text)]]);
    expect(inspection).toMatchObject({
      status: 'image',
      image: {
        format: 'vmdk',
        extents: names.map((fileName) => ({ fileName, inOtherFile: true })),
        refuse: ['extent-in-other-file', 'unsupported-variant'],
      },
    });
    expect(reads.opened).toEqual([path]);
  });
});

describe('vhd, vhdx, vdi and iso headers that lie', () => {
  it('reports a vhd’s bad type, dynamic header or block size, and a missing end footer', async () => {
    const footer = vhdFooter({ type: 3, size: GiB });
    const cases: [string, [number, Buffer][], number, 'truncated' | 'malformed', string][] = [
      ['type', [[0, vhdFooter({ type: 9, size: GiB })]], 8192, 'malformed', 'disk_type'],
      ['header past the end', [[0, footer]], 1024, 'truncated', 'dynamic_header'],
      ['no header', [[0, footer]], 8192, 'malformed', 'dynamic_header'],
      [
        'block size',
        [
          [0, footer],
          [512, vhdDynamicHeader(3000)],
        ],
        8192,
        'malformed',
        'block_size',
      ],
      [
        'end footer',
        [
          [0, footer],
          [512, vhdDynamicHeader(2 << 20)],
        ],
        8192,
        'truncated',
        'footer',
      ],
    ];
    for (const [name, parts, size, damage, field] of cases) {
      const withEnd: [number, Buffer][] =
        name === 'end footer' ? parts : [...parts, [size - 512, footer]];
      const inspection = await inspectParts(nextPath('vhd'), withEnd, size);
      expectDamaged(inspection, { format: 'vhd', damage, field });
    }
    const offset = vhdFooter({ type: 3, size: GiB });
    offset.writeBigUInt64BE(1n << 62n, 16);
    expectDamaged(await inspectParts(nextPath('vhd'), [[0, offset]], 8192), {
      format: 'vhd',
      damage: 'malformed',
      field: 'data_offset',
    });
    const blocks = vhdDynamicHeader(2 << 20);
    blocks.writeUInt32BE(4, 28);
    const table = Buffer.from([0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0, 0x10, 0, 0, 0, 0, 0, 0]);
    expectDamaged(
      await inspectParts(
        nextPath('vhd'),
        [
          [0, footer],
          [512, blocks],
          [1536, table],
          [8192 - 512, footer],
        ],
        8192,
      ),
      { format: 'vhd', damage: 'truncated', field: 'block_allocation_table' },
    );
  });

  it('reports a vhdx without its tables, or with regions past its end', async () => {
    // A metadata table that lists the file parameters only.
    const withoutSize = vhdxParts(GiB);
    withoutSize[2]?.[1].writeUInt16LE(1, 10);
    const cases: [[number, Buffer][], number | undefined, 'truncated' | 'malformed', string][] = [
      [[[0, Buffer.from('vhdxfile')]], 100_000, 'truncated', 'region_table'],
      [[[0, Buffer.from('vhdxfile')]], 300_000, 'malformed', 'region_table'],
      [vhdxParts(GiB).slice(0, 2), undefined, 'truncated', 'region'],
      [vhdxParts(GiB, 0, 2 ** 60).slice(0, 2), undefined, 'malformed', 'region_table'],
      [withoutSize, undefined, 'malformed', 'virtual_disk_size'],
    ];
    for (const [parts, size, damage, field] of cases) {
      const inspection = await inspectParts(nextPath('vhdx'), parts, size);
      expectDamaged(inspection, { format: 'vhdx', damage, field });
    }
  });

  it('reports a vdi of another version or type, or with its blocks cut off', async () => {
    const version = vdiHeader(1, GiB);
    version.writeUInt32LE(0x00010000, 0x44);
    const type = vdiHeader(9, GiB);
    const blocks = vdiHeader(2, GiB);
    blocks.writeUInt32LE(4096, 0x158);
    blocks.writeUInt32LE(1024, 0x184);
    const cases: [Buffer, 'truncated' | 'malformed', string][] = [
      [version, 'malformed', 'version'],
      [type, 'malformed', 'image_type'],
      [blocks, 'truncated', 'blocks'],
      [vdiHeader(1, GiB).subarray(0, 200), 'truncated', 'header'],
    ];
    for (const [header, damage, field] of cases) {
      expectDamaged(await inspectParts(nextPath('vdi'), [[0, header]]), {
        format: 'vdi',
        damage,
        field,
      });
    }
  });

  it('reports an iso bigger than its file, without a primary descriptor, or with a bad block size', async () => {
    expectDamaged(await inspectParts(nextPath('iso'), isoDescriptors(1000), 40 * 2048), {
      format: 'iso',
      damage: 'truncated',
      field: 'volume_space_size',
    });
    const terminatorOnly = isoDescriptors(10).map(([, bytes]): [number, Buffer] => [
      32 * 1024,
      bytes,
    ]);
    expectDamaged(await inspectParts(nextPath('iso'), terminatorOnly.slice(1), 40 * 2048), {
      format: 'iso',
      damage: 'malformed',
      field: 'primary_volume_descriptor',
    });
    const [[offset, primary]] = isoDescriptors(10) as [[number, Buffer]];
    primary.writeUInt16LE(3, 128);
    expectDamaged(await inspectParts(nextPath('iso'), [[offset, primary]], 40 * 2048), {
      format: 'iso',
      damage: 'malformed',
      field: 'logical_block_size',
    });
  });
});

describe('files cut short at every length', () => {
  const samples: [string, [number, Buffer][]][] = [
    ['qcow2', [[0, qcow2({ size: GiB, backingFile: 'base.qcow2' })]]],
    ['vmdk', [[0, vmdkSparse(2048n, vmdkDescriptor('monolithicSparse', ['RW 2048 SPARSE "x"']))]]],
    [
      'vhd',
      [
        [0, vhdFooter({ type: 4, size: GiB })],
        [512, vhdDynamicHeader(2 << 20, 'parent.vhd')],
        [1536, vhdFooter({ type: 4, size: GiB })],
      ],
    ],
    ['vhdx', vhdxParts(GiB, 0, 256 * 1024)],
    ['vdi', [[0, vdiHeader(1, GiB)]]],
    ['iso', isoDescriptors(20)],
  ];

  for (const [format, parts] of samples) {
    it(`${format}: every prefix is an image or damage, never a throw`, async () => {
      const whole = Buffer.alloc(Math.max(...parts.map(([at, bytes]) => at + bytes.length)));
      for (const [at, bytes] of parts) bytes.copy(whole, at);
      // Every length through the first 600 bytes (where most headers end), then about 200
      // more, an odd step apart, and the whole file.
      const lengths = new Set<number>([whole.length]);
      for (let n = 1; n <= Math.min(600, whole.length); n++) lengths.add(n);
      const step = Math.floor(whole.length / 400) * 2 + 1;
      for (let n = 600; n < whole.length; n += step) lengths.add(n);
      const outcomes = new Map<string, number>();
      for (const length of lengths) {
        const path = folder.path(`cut-${length}.${format}`);
        const inspection: FileInspection = await inspectParts(path, [
          [0, whole.subarray(0, length)],
        ]);
        const outcome =
          inspection.status === 'damaged'
            ? `${inspection.damaged.format} ${inspection.damaged.damage}`
            : inspection.status === 'image'
              ? inspection.image.format
              : inspection.status;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // Short prefixes are raw (the magic is cut); the rest are this format, whole or cut.
      for (const outcome of outcomes.keys()) {
        expect([`${format} truncated`, format, 'raw']).toContain(outcome);
      }
      expect(outcomes.get(`${format} truncated`)).toBeGreaterThan(0);
    });
  }
});
