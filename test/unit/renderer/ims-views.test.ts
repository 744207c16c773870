import { describe, expect, it } from 'vitest';
import type { ImageSchemaInfo } from '../../../common/contract';
import {
  emptyImsFilters,
  ImsListing,
  imsFilterCount,
  narrowQuery,
  withImsDiskFormats,
} from '../../../renderer/src/lib/ims-views.svelte';

const base = { name: 'ubuntu', sort: [{ key: 'name' as const, dir: 'asc' as const }] };

describe('Huawei IMS quick views and filters', () => {
  it('asks IMS for its public images and for those shared with me, pending, as its reference says', () => {
    expect(narrowQuery(base, 'public', emptyImsFilters())).toEqual({
      ...base,
      visibility: 'public',
      protected: true,
      properties: { __imagetype: 'gold' },
    });
    expect(narrowQuery(base, 'pending', emptyImsFilters())).toEqual({
      ...base,
      visibility: 'shared',
      member_status: 'pending',
      properties: { __imagetype: 'shared' },
    });
    expect(narrowQuery(base, 'all', emptyImsFilters())).toEqual(base);
  });

  it('adds the IMS filters to the filter bar’s properties; a quick view wins over them', () => {
    const filters = {
      imageType: 'private',
      platform: 'Ubuntu',
      osBit: '64',
      registered: 'true',
    } as const;
    expect(imsFilterCount(filters)).toBe(4);
    expect(narrowQuery({ ...base, properties: { hw_disk_bus: 'scsi' } }, 'all', filters)).toEqual({
      ...base,
      properties: {
        hw_disk_bus: 'scsi',
        __imagetype: 'private',
        __platform: 'Ubuntu',
        __os_bit: '64',
        __isregistered: 'true',
      },
    });
    expect(narrowQuery(base, 'market', filters).properties?.__imagetype).toBe('market');
  });

  it('narrows only on a Huawei cloud, and counts the quick view as a filter', () => {
    const ims = new ImsListing();
    ims.view = 'public';
    ims.filters.platform = 'Windows';
    expect(ims.count).toBe(1);
    ims.apply();
    expect(ims.count).toBe(2);
    expect(ims.narrow(base, false)).toBe(base);
    expect(ims.narrow(base, true).properties).toEqual({
      __platform: 'Windows',
      __imagetype: 'gold',
    });
    ims.clear();
    expect(ims.count).toBe(0);
    expect(ims.narrow(base, true)).toEqual(base);
  });

  it('offers IMS’s disk formats next to the schema’s', () => {
    const schema: ImageSchemaInfo = {
      diskFormats: ['raw', 'qcow2'],
      containerFormats: ['bare'],
      visibilities: [],
    };
    expect(withImsDiskFormats(schema).diskFormats).toEqual(['raw', 'qcow2', 'zvhd2', 'zvhd']);
    const already = { ...schema, diskFormats: ['zvhd2', 'zvhd'] };
    expect(withImsDiskFormats(already)).toBe(already);
  });
});
