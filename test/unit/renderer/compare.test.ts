// Comparing two clouds' images (renderer/src/lib/compare.ts): matched by data, then by
// name; what each pair is and which fields differ; filtering and sorting the rows.
import { describe, expect, it } from 'vitest';
import type { Image } from '../../../common/image';
import { compareImages, countKinds, viewRows } from '../../../renderer/src/lib/compare';

let next = 0;
function image(fields: Partial<Image> & { data?: string }): Image {
  const { data, ...rest } = fields;
  next += 1;
  return {
    id: `id-${next}`,
    name: `image ${next}`,
    status: data === undefined ? 'queued' : 'active',
    visibility: 'private',
    protected: false,
    os_hidden: false,
    tags: [],
    disk_format: 'qcow2',
    container_format: 'bare',
    size: data === undefined ? null : data.length,
    virtual_size: null,
    min_disk: 0,
    min_ram: 0,
    owner: `owner ${next}`,
    checksum: data === undefined ? null : `md5-${data}`,
    os_hash_algo: data === undefined ? null : 'sha512',
    os_hash_value: data === undefined ? null : `sha-${data}`,
    created_at: '',
    updated_at: '',
    properties: {},
    ...rest,
  };
}

const kindsOf = (rows: ReturnType<typeof compareImages>) =>
  Object.fromEntries(rows.map((row) => [row.a?.name ?? row.b?.name, row.kind]));

describe('comparing two clouds', () => {
  it('pairs images by data, then by name, and says what each row is', () => {
    const a = [
      image({ name: 'same', data: 'one', tags: ['x', 'y'] }),
      image({ name: 'renamed', data: 'two', min_ram: 512, properties: { __os_version: 'A' } }),
      image({ name: 'rebuilt', data: 'three' }),
      image({ name: 'only here', data: 'four' }),
    ];
    const b = [
      // Another owner, visibility and protection: not what a copy carries, not a difference.
      image({ name: 'same', data: 'one', tags: ['y', 'x'], visibility: 'public', protected: true }),
      image({
        name: 'renamed on B',
        data: 'two',
        min_ram: 1024,
        properties: { __os_version: 'B' },
      }),
      image({ name: 'rebuilt', data: 'three, rebuilt' }),
      image({ name: 'only there', data: 'five' }),
    ];
    const rows = compareImages(a, b);
    expect(kindsOf(rows)).toEqual({
      same: 'same',
      renamed: 'different-metadata',
      rebuilt: 'different-data',
      'only here': 'only-a',
      'only there': 'only-b',
    });
    expect(rows.find((row) => row.a?.name === 'renamed')?.differences).toEqual([
      'name',
      'min_ram',
      '__os_version',
    ]);
    expect(rows.find((row) => row.a?.name === 'renamed')?.b?.name).toBe('renamed on B');
    expect(countKinds(rows)).toEqual({
      'only-a': 1,
      'only-b': 1,
      'different-data': 1,
      'different-metadata': 1,
      same: 1,
    });
  });

  it('matches each image once, preferring the one of the same name, and by md5 alone', () => {
    const a = [image({ name: 'twin', data: 'd' }), image({ name: 'old', data: 'e' })];
    const b = [
      image({ name: 'other', data: 'd' }),
      image({ name: 'twin', data: 'd' }),
      // An older Glance with no multihash: the md5 and the size still match.
      image({ name: 'old', data: 'e', os_hash_algo: null, os_hash_value: null }),
    ];
    const rows = compareImages(a, b);
    expect(rows.map((row) => [row.a?.name, row.b?.name, row.kind])).toEqual([
      ['twin', 'twin', 'same'],
      ['old', 'old', 'same'],
      [undefined, 'other', 'only-b'],
    ]);
  });

  it('does not take the same hash with another size, nor a hash of another algorithm, as the same data', () => {
    const a = [image({ name: 'x', data: 'abc', checksum: null })];
    const b = [image({ name: 'y', data: 'abc', size: 99, checksum: null })];
    expect(compareImages(a, b).map((row) => row.kind)).toEqual(['only-a', 'only-b']);
  });

  it('compares images without data by their metadata only', () => {
    const a = [image({ name: 'empty' }), image({ name: 'empty too', min_disk: 1 })];
    const b = [image({ name: 'empty' }), image({ name: 'empty too', min_disk: 2 })];
    const rows = compareImages(a, b);
    expect(rows.map((row) => [row.kind, row.differences])).toEqual([
      ['same', []],
      ['different-metadata', ['min_disk']],
    ]);
  });

  it('filters by kind and by name or ID, and sorts', () => {
    const rows = compareImages(
      [image({ name: 'b-2', data: '1' }), image({ name: 'a-10', data: '22' })],
      [image({ name: 'a-9', data: '333' }), image({ name: 'b-2', data: '1' })],
    );
    const view = (overrides: Partial<Parameters<typeof viewRows>[1]>) =>
      viewRows(rows, {
        kinds: [],
        search: '',
        sort: { key: 'name', dir: 'asc' },
        ...overrides,
      }).map((row) => row.a?.name ?? row.b?.name);
    expect(view({})).toEqual(['a-9', 'a-10', 'b-2']);
    expect(view({ sort: { key: 'name', dir: 'desc' } })).toEqual(['b-2', 'a-10', 'a-9']);
    expect(view({ sort: { key: 'size', dir: 'desc' } })).toEqual(['a-9', 'a-10', 'b-2']);
    expect(view({ sort: { key: 'kind', dir: 'asc' } })).toEqual(['a-10', 'a-9', 'b-2']);
    expect(view({ kinds: ['only-a', 'only-b'] })).toEqual(['a-9', 'a-10']);
    expect(view({ search: 'A-1' })).toEqual(['a-10']);
    expect(view({ search: rows[0]?.b?.id ?? '?' })).toEqual(['b-2']);
  });

  it('compares 10,000 images a side', () => {
    const a: Image[] = [];
    const b: Image[] = [];
    for (let i = 0; i < 10_000; i++) {
      a.push(image({ name: `n${i}`, data: `data ${i}` }));
      if (i % 10 !== 0) b.push(image({ name: `n${i}`, data: `data ${i}`, min_ram: i % 3 }));
    }
    const counts = countKinds(compareImages(a, b));
    expect(counts['only-a']).toBe(1000);
    expect(counts.same + counts['different-metadata']).toBe(9000);
  });
});
