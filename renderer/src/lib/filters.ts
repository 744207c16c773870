/** The filter bar's form values and how they become Glance's list query. */
import type { ImageListQuery, ImageSort, Visibility } from '../../../common/image';

export interface Filters {
  name: string;
  status: string;
  visibility: Visibility | 'all' | '';
  /** Comma-separated; every tag must be present. */
  tags: string;
  owner: string;
  diskFormat: string;
  containerFormat: string;
  /** In the unit below; null (a blank field) for no bound. */
  sizeMin: number | null;
  sizeMax: number | null;
  sizeUnit: 'MiB' | 'GiB';
  protected: '' | 'yes' | 'no';
  /** Glance leaves hidden images out unless asked for them (and then lists only those). */
  hidden: 'exclude' | 'only';
  /** A date (yyyy-mm-dd), local time. */
  updatedSince: string;
}

export const emptyFilters = (): Filters => ({
  name: '',
  status: '',
  visibility: '',
  tags: '',
  owner: '',
  diskFormat: '',
  containerFormat: '',
  sizeMin: null,
  sizeMax: null,
  sizeUnit: 'GiB',
  protected: '',
  hidden: 'exclude',
  updatedSince: '',
});

const unitBytes = { MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;

function bytes(value: number | null | undefined, unit: Filters['sizeUnit']): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value * unitBytes[unit]);
}

export function toQuery(filters: Filters, sort: ImageSort): ImageListQuery {
  return { ...filterQuery(filters), sort: [sort] };
}

/** The Glance filters the form asks for: blank fields, and bounds that cannot be sizes or dates, ask for nothing. */
function filterQuery(filters: Filters): ImageListQuery {
  const query: ImageListQuery = {};
  const name = filters.name.trim();
  if (name) query.name = name;
  if (filters.status) query.status = filters.status;
  if (filters.visibility) query.visibility = filters.visibility;
  const tags = filters.tags
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  if (tags.length) query.tags = tags;
  const owner = filters.owner.trim();
  if (owner) query.owner = owner;
  if (filters.diskFormat) query.disk_format = filters.diskFormat;
  if (filters.containerFormat) query.container_format = filters.containerFormat;
  const min = bytes(filters.sizeMin, filters.sizeUnit);
  const max = bytes(filters.sizeMax, filters.sizeUnit);
  if (min !== undefined) query.size_min = min;
  if (max !== undefined) query.size_max = max;
  if (filters.protected) query.protected = filters.protected === 'yes';
  if (filters.hidden === 'only') query.os_hidden = true;
  if (filters.updatedSince) {
    const since = new Date(`${filters.updatedSince}T00:00:00`);
    if (!Number.isNaN(since.getTime())) {
      query.updated_at = { op: 'gte', value: since.toISOString() };
    }
  }
  return query;
}

/** How many filters the list is narrowed by (shown on the Filters button): exactly those sent to Glance. */
export function activeFilterCount(filters: Filters): number {
  return Object.keys(filterQuery(filters)).length;
}
