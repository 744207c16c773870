/** The filter bar's form values and how they become Glance's list query. */
import type {
  CompareOperator,
  DateFilter,
  ImageListQuery,
  ImageSort,
  Visibility,
} from '../../../common/image';
import { filterKeyRule } from '../../../common/properties';
import type { MemberStatus } from '../../../common/sharing';
import type { Problem } from './image-form';

/** A time filter as typed: Glance's operator and a local date and time (blank: none). */
export interface TimeFilter {
  op: CompareOperator;
  /** `yyyy-mm-ddThh:mm` (an `<input type="datetime-local">`), local time. */
  at: string;
}

/** A custom property that must have this value (Glance's `key=value`). */
export interface PropertyFilter {
  key: string;
  value: string;
}

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
  /** Shared images by the user's project's answer; blank: Glance's default (accepted). */
  memberStatus: MemberStatus | 'all' | '';
  created: TimeFilter;
  updated: TimeFilter;
  properties: PropertyFilter[];
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
  memberStatus: '',
  created: { op: 'gte', at: '' },
  updated: { op: 'gte', at: '' },
  properties: [],
});

const unitBytes = { MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;

function bytes(value: number | null | undefined, unit: Filters['sizeUnit']): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value * unitBytes[unit]);
}

export function toQuery(filters: Filters, sort: ImageSort): ImageListQuery {
  return { ...filterQuery(filters), sort: [sort] };
}

/** A time filter as Glance takes it: the local time as an instant, or nothing when blank or unreadable. */
function timeFilter({ op, at }: TimeFilter): DateFilter | undefined {
  if (!at) return undefined;
  const time = new Date(at);
  return Number.isNaN(time.getTime()) ? undefined : { op, value: time.toISOString() };
}

/** The property filters as typed, trimmed: rows without a key ask for nothing. */
function propertyFilters(rows: readonly PropertyFilter[]): [string, string][] {
  return rows
    .map((row): [string, string] => [row.key.trim(), row.value.trim()])
    .filter(([key]) => key !== '');
}

/** Why a property filter row cannot be sent, by row index: a key the list uses itself, or twice. */
export function propertyFilterProblems(rows: readonly PropertyFilter[]): Map<number, Problem> {
  const problems = new Map<number, Problem>();
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const key = row.key.trim();
    if (!key) return;
    if (filterKeyRule(key)) {
      problems.set(index, { key: 'error.filterKeyReserved', params: { key } });
    } else if (seen.has(key)) {
      problems.set(index, { key: 'validation.propertyDuplicate', params: { key } });
    }
    seen.add(key);
  });
  return problems;
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
  if (filters.memberStatus) query.member_status = filters.memberStatus;
  const created = timeFilter(filters.created);
  const updated = timeFilter(filters.updated);
  if (created) query.created_at = created;
  if (updated) query.updated_at = updated;
  const properties = propertyFilters(filters.properties);
  if (properties.length > 0 && propertyFilterProblems(filters.properties).size === 0) {
    query.properties = Object.fromEntries(properties);
  }
  return query;
}

/**
 * How many filters the list is narrowed by (shown on the Filters button): exactly those sent
 * to Glance, each property filter counting as one.
 */
export function activeFilterCount(filters: Filters): number {
  const { properties, ...others } = filterQuery(filters);
  return Object.keys(others).length + Object.keys(properties ?? {}).length;
}
