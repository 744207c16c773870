/**
 * Huawei IMS's own ways of listing images, offered on Huawei clouds (common/providers
 * `isHuaweiCloud`): quick views by IMS's image types, and filters on the list parameters IMS
 * adds to Glance's (`__imagetype`, `__platform`, `__os_bit`, `__isregistered`), from IMS's API
 * reference for its OpenStack-native `/v2/images`. They narrow the Glance query the filter
 * bar makes; a quick view wins over a filter that asks the same. Plus IMS's disk formats.
 */
import type { ImageSchemaInfo } from '../../../common/contract';
import type { ImageListQuery } from '../../../common/image';

export const imsViews = ['all', 'public', 'private', 'shared', 'pending', 'market'] as const;
export type ImsView = (typeof imsViews)[number];

/** What each quick view asks IMS for (`gold` is IMS's word for public images). */
const viewQueries: Record<ImsView, ImageListQuery> = {
  all: {},
  public: { visibility: 'public', protected: true, properties: { __imagetype: 'gold' } },
  private: { properties: { __imagetype: 'private' } },
  shared: {
    visibility: 'shared',
    member_status: 'accepted',
    properties: { __imagetype: 'shared' },
  },
  pending: {
    visibility: 'shared',
    member_status: 'pending',
    properties: { __imagetype: 'shared' },
  },
  market: { properties: { __imagetype: 'market' } },
};

export const imsImageTypes = ['gold', 'private', 'shared', 'market'] as const;
/** `__platform`'s values in IMS's API reference. */
export const imsPlatforms = [
  'Windows',
  'Ubuntu',
  'RedHat',
  'SUSE',
  'CentOS',
  'Debian',
  'OpenSUSE',
  'Oracle Linux',
  'Fedora',
  'CoreOS',
  'EulerOS',
  'Other',
] as const;

/** The IMS filters' form values; '' asks for nothing. */
export interface ImsFilters {
  imageType: '' | (typeof imsImageTypes)[number];
  platform: '' | (typeof imsPlatforms)[number];
  osBit: '' | '32' | '64';
  registered: '' | 'true' | 'false';
}

export const emptyImsFilters = (): ImsFilters => ({
  imageType: '',
  platform: '',
  osBit: '',
  registered: '',
});

/** IMS's list parameters for the filters' values. */
function filterProperties(filters: ImsFilters): Record<string, string> {
  const properties: Record<string, string> = {};
  if (filters.imageType) properties.__imagetype = filters.imageType;
  if (filters.platform) properties.__platform = filters.platform;
  if (filters.osBit) properties.__os_bit = filters.osBit;
  if (filters.registered) properties.__isregistered = filters.registered;
  return properties;
}

export function imsFilterCount(filters: ImsFilters): number {
  return Object.keys(filterProperties(filters)).length;
}

/** `base` (the filter bar's query) narrowed by the IMS filters, then by the quick view. */
export function narrowQuery(
  base: ImageListQuery,
  view: ImsView,
  filters: ImsFilters,
): ImageListQuery {
  const { properties: viewProperties, ...viewFields } = viewQueries[view];
  const properties = { ...base.properties, ...filterProperties(filters), ...viewProperties };
  const query: ImageListQuery = { ...base, ...viewFields };
  if (Object.keys(properties).length > 0) query.properties = properties;
  return query;
}

/** IMS's own disk formats. */
export const imsDiskFormats = ['zvhd2', 'zvhd'] as const;

/** A Huawei cloud's image schema with IMS's disk formats, for the forms and filters that offer them. */
export function withImsDiskFormats(schema: ImageSchemaInfo): ImageSchemaInfo {
  const missing = imsDiskFormats.filter((format) => !schema.diskFormats.includes(format));
  return missing.length === 0
    ? schema
    : { ...schema, diskFormats: [...schema.diskFormats, ...missing] };
}

/** The quick view and IMS filters of the image browser: what the form shows, what is applied. */
export class ImsListing {
  view = $state<ImsView>('all');
  filters = $state<ImsFilters>(emptyImsFilters());
  applied = $state<ImsFilters>(emptyImsFilters());

  apply(): void {
    this.applied = { ...this.filters };
  }

  clear(): void {
    this.view = 'all';
    this.filters = emptyImsFilters();
    this.applied = emptyImsFilters();
  }

  /** How many filters the list is narrowed by (the quick view counts as one). */
  get count(): number {
    return imsFilterCount(this.applied) + (this.view === 'all' ? 0 : 1);
  }

  /** `base` narrowed on a Huawei cloud; unchanged on any other. */
  narrow(base: ImageListQuery, huawei: boolean): ImageListQuery {
    return huawei ? narrowQuery(base, this.view, this.applied) : base;
  }
}
