import { describe, expect, test } from 'vitest';
import type { ImageSort } from '../../../common/image';
import {
  activeFilterCount,
  emptyFilters,
  toQuery,
  type Filters,
} from '../../../renderer/src/lib/filters';

const sort: ImageSort = { key: 'name', dir: 'asc' };
const filters = (changes: Partial<Filters>): Filters => ({ ...emptyFilters(), ...changes });

describe('toQuery', () => {
  test('an empty form asks only for the sort', () => {
    expect(toQuery(emptyFilters(), sort)).toEqual({ sort: [sort] });
    expect(activeFilterCount(emptyFilters())).toBe(0);
  });

  test('every field becomes its Glance filter', () => {
    const query = toQuery(
      filters({
        name: '  ubuntu-22.04 ',
        status: 'active',
        visibility: 'shared',
        tags: 'gpu, ,  prod ,',
        owner: ' 0123abcd ',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        sizeMin: 1.5,
        sizeMax: 20,
        sizeUnit: 'GiB',
        protected: 'no',
        hidden: 'only',
        updatedSince: '2026-11-28',
      }),
      sort,
    );
    expect(query).toEqual({
      sort: [sort],
      name: 'ubuntu-22.04',
      status: 'active',
      visibility: 'shared',
      tags: ['gpu', 'prod'],
      owner: '0123abcd',
      disk_format: 'qcow2',
      container_format: 'bare',
      size_min: 1.5 * 1024 ** 3,
      size_max: 20 * 1024 ** 3,
      protected: false,
      os_hidden: true,
      // Local midnight of that day.
      updated_at: { op: 'gte', value: new Date(2026, 10, 28).toISOString() },
    });
  });

  test('sizes in MiB are whole bytes; zero is a real bound', () => {
    const query = toQuery(filters({ sizeMin: 0, sizeMax: 0.3, sizeUnit: 'MiB' }), sort);
    expect(query.size_min).toBe(0);
    expect(query.size_max).toBe(Math.round(0.3 * 1024 ** 2));
  });

  test('blank text fields and bounds that cannot be sizes or dates ask for nothing', () => {
    const bad = filters({
      name: '   ',
      tags: ' , ,',
      owner: '\t',
      sizeMin: -1,
      sizeMax: Number.NaN,
      updatedSince: '2026-13-40',
    });
    expect(toQuery(bad, sort)).toEqual({ sort: [sort] });
    expect(toQuery(filters({ sizeMax: Number.POSITIVE_INFINITY }), sort)).toEqual({ sort: [sort] });
    expect(toQuery(filters({ updatedSince: 'yesterday' }), sort)).toEqual({ sort: [sort] });
  });

  test('"all" visibility is sent (Glance lists every visibility then); protected yes is true', () => {
    expect(toQuery(filters({ visibility: 'all', protected: 'yes' }), sort)).toMatchObject({
      visibility: 'all',
      protected: true,
    });
  });
});

describe('activeFilterCount', () => {
  test('counts each filter sent, not the size unit', () => {
    expect(activeFilterCount(filters({ name: 'x', sizeMin: 1, sizeMax: 2, hidden: 'only' }))).toBe(
      4,
    );
    expect(activeFilterCount(filters({ sizeUnit: 'MiB' }))).toBe(0);
  });

  test('a field the query leaves out is not counted either', () => {
    expect(activeFilterCount(filters({ sizeMin: -5, updatedSince: 'nonsense', tags: ',' }))).toBe(
      0,
    );
  });
});
