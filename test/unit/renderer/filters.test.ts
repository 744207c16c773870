import { describe, expect, test } from 'vitest';
import type { ImageSort } from '../../../common/image';
import {
  activeFilterCount,
  emptyFilters,
  propertyFilterProblems,
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
        memberStatus: 'pending',
        created: { op: 'lt', at: '2026-11-01T08:30' },
        updated: { op: 'gte', at: '2026-11-28T00:00' },
        properties: [
          { key: ' __os_version ', value: ' CentOS 7.9 64bit ' },
          { key: 'hw_firmware_type', value: 'uefi' },
          { key: '', value: 'ignored' },
        ],
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
      member_status: 'pending',
      // Local times, as instants.
      created_at: { op: 'lt', value: new Date(2026, 10, 1, 8, 30).toISOString() },
      updated_at: { op: 'gte', value: new Date(2026, 10, 28).toISOString() },
      properties: { __os_version: 'CentOS 7.9 64bit', hw_firmware_type: 'uefi' },
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
      updated: { op: 'gt', at: '2026-13-40T99:00' },
      properties: [{ key: '  ', value: 'x' }],
    });
    expect(toQuery(bad, sort)).toEqual({ sort: [sort] });
    expect(toQuery(filters({ sizeMax: Number.POSITIVE_INFINITY }), sort)).toEqual({ sort: [sort] });
    expect(toQuery(filters({ created: { op: 'eq', at: 'yesterday' } }), sort)).toEqual({
      sort: [sort],
    });
  });

  test('property filters named like the list’s own parameters, or twice, are not sent', () => {
    const rows = [
      { key: 'limit', value: '1' },
      { key: 'tier', value: 'gold' },
      { key: 'tier', value: 'silver' },
      { key: 'sort_key', value: 'name' },
    ];
    expect(propertyFilterProblems(rows)).toEqual(
      new Map([
        [0, { key: 'error.filterKeyReserved', params: { key: 'limit' } }],
        [2, { key: 'validation.propertyDuplicate', params: { key: 'tier' } }],
        [3, { key: 'error.filterKeyReserved', params: { key: 'sort_key' } }],
      ]),
    );
    expect(toQuery(filters({ properties: rows }), sort)).toEqual({ sort: [sort] });
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

  test('each property filter counts, and so does each time and the member status', () => {
    const many = filters({
      memberStatus: 'all',
      created: { op: 'gt', at: '2026-01-01T00:00' },
      properties: [
        { key: 'a', value: '1' },
        { key: 'b', value: '' },
      ],
    });
    expect(activeFilterCount(many)).toBe(4);
    expect(Object.keys(toQuery(many, sort).properties ?? {})).toEqual(['a', 'b']);
  });

  test('a field the query leaves out is not counted either', () => {
    const leftOut = filters({
      sizeMin: -5,
      updated: { op: 'gte', at: 'nonsense' },
      tags: ',',
      properties: [{ key: 'marker', value: 'x' }],
    });
    expect(activeFilterCount(leftOut)).toBe(0);
  });
});
