// What the create dialog pre-fills from a file check, and when a chosen disk format
// disagrees with the content: pure functions of common/disk-image.ts.
import { describe, expect, it } from 'vitest';
import {
  diskFormatMismatch,
  minDiskGiB,
  suggestUpload,
  type DiskImage,
  type FileInspection,
} from '../../../common/disk-image';

const GiB = 1024 ** 3;

const image = (fields: Partial<DiskImage> & Pick<DiskImage, 'format'>): FileInspection =>
  ({
    status: 'image',
    image: { fileSize: 1, refuse: [], warn: [], virtualSize: 1, ...fields },
  }) as FileInspection;

describe('minDiskGiB', () => {
  it('rounds the virtual size up to whole GiB', () => {
    expect(minDiskGiB(0)).toBe(0);
    expect(minDiskGiB(1)).toBe(1);
    expect(minDiskGiB(GiB)).toBe(1);
    expect(minDiskGiB(GiB + 1)).toBe(2);
    expect(minDiskGiB(100 * GiB)).toBe(100);
    expect(minDiskGiB(1_073_995_776)).toBe(2); // a qemu-made 1 GiB vhd, sized by geometry
  });
});

describe('suggestUpload', () => {
  it('suggests Glance’s disk format for each content format (qemu’s vpc is vhd)', () => {
    for (const format of ['raw', 'qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso'] as const) {
      expect(suggestUpload(image({ format, virtualSize: 3 * GiB }))).toEqual({
        diskFormat: format,
        minDiskGiB: 3,
        refuse: [],
        warn: [],
      });
    }
  });

  it('suggests no disk format for compressed files, qed and luks, and passes on why', () => {
    expect(suggestUpload(image({ format: 'xz', virtualSize: null, warn: ['compressed'] }))).toEqual(
      { diskFormat: null, minDiskGiB: null, refuse: [], warn: ['compressed'] },
    );
    expect(
      suggestUpload(
        image({
          format: 'luks',
          virtualSize: null,
          refuse: ['unsupported-format'],
          warn: ['encrypted'],
        }),
      ),
    ).toEqual({
      diskFormat: null,
      minDiskGiB: null,
      refuse: ['unsupported-format'],
      warn: ['encrypted'],
    });
  });

  it('passes on a refusal with the format that fits', () => {
    expect(
      suggestUpload(image({ format: 'qcow2', virtualSize: GiB, refuse: ['backing-file'] })),
    ).toEqual({ diskFormat: 'qcow2', minDiskGiB: 1, refuse: ['backing-file'], warn: [] });
  });

  it('refuses a damaged, empty or non-file', () => {
    const damaged: FileInspection = {
      status: 'damaged',
      damaged: { format: 'qcow2', damage: 'truncated', field: 'clusters', fileSize: 10 },
    };
    expect(suggestUpload(damaged)).toEqual({
      diskFormat: null,
      minDiskGiB: null,
      refuse: ['damaged'],
      warn: [],
    });
    expect(suggestUpload({ status: 'empty' }).refuse).toEqual(['empty']);
    expect(suggestUpload({ status: 'not-a-file', fileType: 'directory' }).refuse).toEqual([
      'not-a-file',
    ]);
  });
});

describe('diskFormatMismatch', () => {
  it('agrees when the chosen format is what the content is', () => {
    expect(diskFormatMismatch(image({ format: 'qcow2' }), 'qcow2')).toBeNull();
    expect(diskFormatMismatch(image({ format: 'vhd' }), 'vhd')).toBeNull();
  });

  it('takes Amazon’s machine, kernel and ramdisk formats for raw content', () => {
    for (const chosen of ['raw', 'ami', 'aki', 'ari']) {
      expect(diskFormatMismatch(image({ format: 'raw' }), chosen)).toBeNull();
    }
  });

  it('names the content and the format that fits when they disagree', () => {
    expect(diskFormatMismatch(image({ format: 'qcow2' }), 'raw')).toEqual({
      chosen: 'raw',
      content: 'qcow2',
      suggested: 'qcow2',
    });
    expect(diskFormatMismatch(image({ format: 'iso' }), 'raw')).toEqual({
      chosen: 'raw',
      content: 'iso',
      suggested: 'iso',
    });
    expect(diskFormatMismatch(image({ format: 'raw' }), 'vpc')).toEqual({
      chosen: 'vpc',
      content: 'raw',
      suggested: 'raw',
    });
    expect(diskFormatMismatch(image({ format: 'gzip', virtualSize: null }), 'qcow2')).toEqual({
      chosen: 'qcow2',
      content: 'gzip',
      suggested: null,
    });
  });

  it('has nothing to say about a file that is no image', () => {
    expect(diskFormatMismatch({ status: 'empty' }, 'raw')).toBeNull();
    expect(
      diskFormatMismatch(
        {
          status: 'damaged',
          damaged: { format: 'vmdk', damage: 'malformed', field: 'version', fileSize: 512 },
        },
        'vmdk',
      ),
    ).toBeNull();
  });
});
