import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkedImage,
  createImageBody,
  imageListParams,
  imageSchema,
  markerFromNext,
  parseContentRange,
  toImage,
} from '../../../main/openstack/image-format';

const params = (q: Parameters<typeof imageListParams>[0]): [string, string][] => [
  ...imageListParams(q).entries(),
];

describe('imageListParams', () => {
  it('sends nothing for an empty query', () => {
    expect(imageListParams().toString()).toBe('');
  });

  it('maps simple filters, limit and marker', () => {
    expect(
      params({
        name: 'cirros',
        status: 'active',
        visibility: 'all',
        member_status: 'pending',
        size_min: 1,
        size_max: 1024,
        protected: false,
        os_hidden: true,
        limit: 25,
        marker: 'm-1',
      }),
    ).toEqual([
      ['name', 'cirros'],
      ['status', 'active'],
      ['visibility', 'all'],
      ['member_status', 'pending'],
      ['size_min', '1'],
      ['size_max', '1024'],
      ['protected', 'false'],
      ['os_hidden', 'true'],
      ['limit', '25'],
      ['marker', 'm-1'],
    ]);
  });

  it('turns arrays into in: lists, quoting values with commas or quotes', () => {
    expect(params({ status: ['active', 'queued'], name: ['a,b', 'say "hi"', 'plain'] })).toEqual([
      ['name', 'in:"a,b","say \\"hi\\"",plain'],
      ['status', 'in:active,queued'],
    ]);
  });

  it('quotes a single value that starts with in: so it is not read as a list', () => {
    expect(params({ name: 'in:side' })).toEqual([['name', 'in:"in:side"']]);
  });

  it('repeats tag for every tag', () => {
    expect(params({ tags: ['a', 'b'] })).toEqual([
      ['tag', 'a'],
      ['tag', 'b'],
    ]);
  });

  it('expresses the seed’s changes-since as updated_at=gt: and never sends changes-since', () => {
    const q = imageListParams({
      updated_at: { op: 'gt', value: '2026-01-01T00:00:00Z' },
      created_at: { op: 'lte', value: '2026-02-01T00:00:00Z' },
    });
    expect(q.get('updated_at')).toBe('gt:2026-01-01T00:00:00Z');
    expect(q.get('created_at')).toBe('lte:2026-02-01T00:00:00Z');
    expect(q.has('changes-since')).toBe(false);
  });

  it('sorts with sort_key/sort_dir (underscore) for one key and sort= for several', () => {
    expect(params({ sort: [{ key: 'name', dir: 'asc' }] })).toEqual([
      ['sort_key', 'name'],
      ['sort_dir', 'asc'],
    ]);
    expect(
      params({
        sort: [
          { key: 'name', dir: 'asc' },
          { key: 'size', dir: 'desc' },
        ],
      }),
    ).toEqual([['sort', 'name:asc,size:desc']]);
    expect(imageListParams({ sort: [{ key: 'name', dir: 'asc' }] }).has('sort-key')).toBe(false);
  });

  it('sends custom-property filters as key=value', () => {
    expect(params({ properties: { __os_version: 'Ubuntu 22.04' } })).toEqual([
      ['__os_version', 'Ubuntu 22.04'],
    ]);
  });
});

describe('markerFromNext', () => {
  it('reads the marker from Glance’s next link', () => {
    expect(markerFromNext('/v2/images?limit=2&marker=abc-123&sort_key=name')).toBe('abc-123');
  });

  it('says nothing on the last page', () => {
    expect(markerFromNext(undefined)).toBeUndefined();
    expect(markerFromNext('/v2/images?limit=2')).toBeUndefined();
  });
});

// An image as Glance 25 returns it, with Huawei-style and openstack-client properties.
const raw = {
  id: '8a4d0c3e-2f7e-4d2e-9a4b-5f3f6c1d2e3a',
  name: '中文镜像',
  status: 'queued',
  visibility: 'private',
  protected: false,
  os_hidden: false,
  tags: ['x'],
  disk_format: 'qcow2',
  container_format: 'bare',
  size: null,
  virtual_size: null,
  min_disk: 0,
  min_ram: 0,
  owner: 'p1',
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  created_at: '2026-11-28T00:00:00Z',
  updated_at: '2026-11-28T00:00:00Z',
  self: '/v2/images/8a4d0c3e-2f7e-4d2e-9a4b-5f3f6c1d2e3a',
  file: '/v2/images/8a4d0c3e-2f7e-4d2e-9a4b-5f3f6c1d2e3a/file',
  schema: '/v2/schemas/image',
  __os_version: 'CentOS 7.6 64bit',
  'owner_specified.openstack.md5': '',
  hw_disk_bus: 'virtio',
};

/** What GlanceClient does with an image answer: check it, then type it. */
const parseImage = (json: unknown) => toImage(imageSchema.parse(json));

describe('imageSchema and toImage', () => {
  it('types the core fields and keeps every other field in properties', () => {
    const image = parseImage(raw);
    expect(image.name).toBe('中文镜像');
    expect(image.size).toBeNull();
    expect(image.file).toBe(raw.file);
    expect(image.properties).toEqual({
      __os_version: 'CentOS 7.6 64bit',
      'owner_specified.openstack.md5': '',
      hw_disk_bus: 'virtio',
    });
  });

  it('accepts a size of 0, missing optional fields, and null where Glance allows it', () => {
    const image = parseImage({ id: 'i', size: 0, status: 'active' });
    expect(image.size).toBe(0);
    expect(image.tags).toEqual([]);
    expect(image.min_disk).toBe(0);
    expect(image.properties).toEqual({});
    expect('locations' in image).toBe(false);
    expect(parseImage({ id: 'i', name: null, min_ram: null, direct_url: null })).toMatchObject({
      name: null,
      min_ram: 0,
    });
  });

  it('takes Huawei IMS extras: string sizes and flags beside the typed fields', () => {
    const image = parseImage({
      ...raw,
      size: 2147483648,
      __image_size: '2147483648',
      __isregistered: 'true',
      __platform: 'Ubuntu',
      __support_kvm: 'true',
      __quick_start: false,
      __description: null,
    });
    expect(image.size).toBe(2147483648);
    expect(image.properties).toMatchObject({
      __image_size: '2147483648',
      __isregistered: 'true',
      __quick_start: false,
      __description: null,
    });
  });

  it('keeps locations as sent', () => {
    const locations = [{ url: 'file:///var/lib/glance/images/i', metadata: { store: 'local' } }];
    expect(parseImage({ id: 'i', locations }).locations).toEqual(locations);
  });

  it('refuses what is not an image, or has no id', () => {
    for (const value of [null, 'image', 42, [], ['id'], undefined]) {
      const result = imageSchema.safeParse(value);
      expect(result.success, JSON.stringify(value)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([]);
    }
    for (const id of [undefined, '', 7, null]) {
      const result = imageSchema.safeParse({ id, name: 'x' });
      expect(result.success, String(id)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['id']);
    }
  });

  it('refuses a wrongly typed core field instead of guessing, naming the field', () => {
    for (const [field, value] of [
      ['size', '12'],
      ['size', -1],
      ['size', 1.5],
      ['virtual_size', 'big'],
      ['min_disk', -Infinity],
      ['min_ram', true],
      ['tags', ['ok', 3]],
      ['tags', 'a,b'],
      ['protected', 'yes'],
      ['os_hidden', 1],
      ['name', 5],
      ['status', {}],
      ['checksum', 123],
      ['created_at', 0],
      ['locations', [{ url: 5, metadata: {} }]],
      ['locations', {}],
      ['self', []],
    ] as const) {
      const result = imageSchema.safeParse({ id: 'i', [field]: value });
      expect(result.success, `${field}: ${JSON.stringify(value)}`).toBe(false);
      expect(result.error?.issues[0]?.path[0]).toBe(field);
    }
  });
});

describe('checkedImage', () => {
  it('checks as imageSchema does, and hands back the very object it was given', () => {
    const page = z.object({ images: z.array(checkedImage) });
    const input = { images: [raw, { ...raw, id: 'b' }] };
    const checked = page.parse(input);
    expect(checked.images[1]).toBe(input.images[1]);

    const wrong = page.safeParse({ images: [raw, raw, raw, { ...raw, size: '12' }] });
    expect(wrong.error?.issues.map((issue) => issue.path)).toEqual([['images', 3, 'size']]);
    expect(page.safeParse({ images: [null] }).error?.issues[0]?.path).toEqual(['images', 0]);
  });
});

describe('createImageBody', () => {
  it('puts custom properties at the top level beside the seed fields', () => {
    expect(
      createImageBody({
        name: 'n',
        disk_format: 'raw',
        container_format: 'bare',
        min_disk: 1,
        tags: ['t'],
        visibility: 'private',
        properties: { __os_version: 'X', 'owner_specified.openstack.md5': '' },
      }),
    ).toEqual({
      __os_version: 'X',
      'owner_specified.openstack.md5': '',
      name: 'n',
      disk_format: 'raw',
      container_format: 'bare',
      min_disk: 1,
      tags: ['t'],
      visibility: 'private',
    });
  });
});

describe('parseContentRange', () => {
  it('reads a range with a known or unknown total', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, end: 199, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: null });
  });

  it('says nothing for a missing or malformed header', () => {
    expect(parseContentRange(null)).toBeNull();
    expect(parseContentRange('bytes */1000')).toBeNull();
    expect(parseContentRange('items 1-2/3')).toBeNull();
  });
});
