/**
 * Glance v2's wire format for images: list queries as URL parameters, image JSON to
 * `Image`, `ImageCreate` to a request body. Pure functions, no I/O.
 */
import { AppError } from '../../common/errors';
import {
  coreImageFields,
  type Image,
  type ImageCreate,
  type ImageListQuery,
  type PropertyValue,
} from '../../common/image';

/**
 * A value for a filter that takes Glance's `in:` list. Values with a comma or a quote are
 * quoted (Glance splits `in:` lists on commas outside double quotes); a single value that
 * itself starts with `in:` is quoted so it is not read as a list.
 */
function listFilter(value: string | string[]): string {
  const quote = (v: string): string =>
    /[,"]/.test(v) || v.startsWith('in:') ? `"${v.replace(/"/g, '\\"')}"` : v;
  if (typeof value === 'string') return value.startsWith('in:') ? `in:${quote(value)}` : value;
  return `in:${value.map(quote).join(',')}`;
}

const listFilterKeys = [
  'name',
  'status',
  'owner',
  'id',
  'disk_format',
  'container_format',
] as const satisfies readonly (keyof ImageListQuery)[];

/**
 * `GET /v2/images` parameters for a query. The seed's `changes-since` is not accepted by
 * Glance v2 (400): it is `updated_at: { op: 'gt', value }` here. Sorting uses `sort_key` /
 * `sort_dir` for one key (the hyphenated `sort-key` would be taken as a property filter)
 * and `sort=key:dir,…` for several.
 */
export function imageListParams(query: ImageListQuery = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of listFilterKeys) {
    const value = query[key];
    if (value !== undefined && value.length > 0) params.set(key, listFilter(value));
  }
  if (query.visibility !== undefined) params.set('visibility', query.visibility);
  for (const tag of query.tags ?? []) params.append('tag', tag);
  if (query.member_status !== undefined) params.set('member_status', query.member_status);
  if (query.size_min !== undefined) params.set('size_min', String(query.size_min));
  if (query.size_max !== undefined) params.set('size_max', String(query.size_max));
  if (query.protected !== undefined) params.set('protected', String(query.protected));
  if (query.os_hidden !== undefined) params.set('os_hidden', String(query.os_hidden));
  for (const key of ['created_at', 'updated_at'] as const) {
    const filter = query[key];
    if (filter !== undefined) params.set(key, `${filter.op}:${filter.value}`);
  }
  for (const [key, value] of Object.entries(query.properties ?? {})) params.set(key, value);
  const [first, ...more] = query.sort ?? [];
  if (first !== undefined && more.length === 0) {
    params.set('sort_key', first.key);
    params.set('sort_dir', first.dir);
  } else if (first !== undefined) {
    params.set('sort', [first, ...more].map((s) => `${s.key}:${s.dir}`).join(','));
  }
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.marker !== undefined) params.set('marker', query.marker);
  return params;
}

/** The `marker` of Glance's `next` link (`/v2/images?marker=…&limit=…`), if there is one. */
export function markerFromNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next === '') return undefined;
  return new URL(next, 'http://glance.invalid').searchParams.get('marker') ?? undefined;
}

const coreFieldSet: ReadonlySet<string> = new Set(coreImageFields);

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * An image from Glance's JSON: core fields typed, every other field kept in `properties`.
 * Anything that is not an object with a string `id` is a server error, not an image.
 */
export function parseImage(json: unknown): Image {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw notAnImage('The cloud sent something that is not an image where an image was expected.');
  }
  const raw = json as Record<string, unknown>;
  if (typeof raw.id !== 'string' || raw.id === '') {
    throw notAnImage('The cloud sent an image without an id.');
  }
  const properties: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!coreFieldSet.has(key)) properties[key] = value as PropertyValue;
  }
  const image: Image = {
    id: raw.id,
    name: str(raw.name),
    status: str(raw.status) ?? 'unknown',
    visibility: str(raw.visibility) ?? 'private',
    protected: raw.protected === true,
    os_hidden: raw.os_hidden === true,
    tags: Array.isArray(raw.tags) ? raw.tags.filter((t) => typeof t === 'string') : [],
    disk_format: str(raw.disk_format),
    container_format: str(raw.container_format),
    size: num(raw.size),
    virtual_size: num(raw.virtual_size),
    min_disk: num(raw.min_disk) ?? 0,
    min_ram: num(raw.min_ram) ?? 0,
    owner: str(raw.owner),
    checksum: str(raw.checksum),
    os_hash_algo: str(raw.os_hash_algo),
    os_hash_value: str(raw.os_hash_value),
    created_at: str(raw.created_at) ?? '',
    updated_at: str(raw.updated_at) ?? '',
    properties,
  };
  if (Array.isArray(raw.locations)) image.locations = raw.locations as Image['locations'];
  for (const key of ['direct_url', 'stores', 'file', 'self', 'schema'] as const) {
    const value = str(raw[key]);
    if (value !== null) image[key] = value;
  }
  return image;
}

function notAnImage(message: string): AppError {
  return new AppError({ kind: 'server', message });
}

/** The `POST /v2/images` body: the seed's fields plus custom properties at the top level. */
export function createImageBody(create: ImageCreate): Record<string, unknown> {
  const { properties, ...fields } = create;
  const body: Record<string, unknown> = { ...properties };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) body[key] = value;
  }
  return body;
}

/** `bytes 100-199/1000` or `bytes 100-199/*`. */
export function parseContentRange(
  value: string | null,
): { start: number; end: number; total: number | null } | null {
  const match = value === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (match === null) return null;
  return {
    start: Number(match[1]),
    end: Number(match[2]),
    total: match[3] === '*' ? null : Number(match[3]),
  };
}
