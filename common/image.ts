/** Image types shared by main and the renderer (types and pure helpers only). */

export type ImageStatus =
  | 'queued'
  | 'saving'
  | 'uploading'
  | 'importing'
  | 'active'
  | 'deactivated'
  | 'killed'
  | 'deleted'
  | 'pending_delete';

export type Visibility = 'public' | 'private' | 'shared' | 'community';

export type PropertyValue =
  string | number | boolean | null | PropertyValue[] | { [key: string]: PropertyValue };

/**
 * An image as Glance v2 returns it. The core fields are typed; everything else the server
 * sent (Huawei IMS's `__os_version`, `owner_specified.*`, any user property) is kept in
 * `properties`, untouched.
 */
export interface Image {
  id: string;
  name: string | null;
  status: ImageStatus | string;
  visibility: Visibility | string;
  protected: boolean;
  os_hidden: boolean;
  tags: string[];
  disk_format: string | null;
  container_format: string | null;
  /** Bytes; null or 0 for an image without data (not an error). */
  size: number | null;
  virtual_size: number | null;
  min_disk: number;
  min_ram: number;
  owner: string | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  created_at: string;
  updated_at: string;
  locations?: { url: string; metadata: Record<string, PropertyValue> }[];
  direct_url?: string;
  stores?: string;
  file?: string;
  self?: string;
  schema?: string;
  /** Every field that is not a core Glance field, as the server sent it. */
  properties: Record<string, PropertyValue>;
}

/** Core image fields: anything else is a custom property. */
export const coreImageFields = [
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'os_hidden',
  'tags',
  'disk_format',
  'container_format',
  'size',
  'virtual_size',
  'min_disk',
  'min_ram',
  'owner',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'created_at',
  'updated_at',
  'locations',
  'direct_url',
  'stores',
  'file',
  'self',
  'schema',
] as const satisfies readonly (keyof Image)[];

/** Fields Glance manages itself: never part of an update. */
export const readOnlyImageFields = [
  'id',
  'status',
  'size',
  'virtual_size',
  'owner',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'created_at',
  'updated_at',
  'locations',
  'direct_url',
  'stores',
  'file',
  'self',
  'schema',
] as const;

/** Glance's `gt:` / `gte:` / `lt:` / `lte:` / `eq:` / `neq:` operators for dates and sizes. */
export type CompareOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface DateFilter {
  op: CompareOperator;
  /** ISO 8601 time. */
  value: string;
}

export const imageSortKeys = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
  'min_disk',
  'min_ram',
  'visibility',
  'owner',
] as const;
export type ImageSortKey = (typeof imageSortKeys)[number];

export interface ImageSort {
  key: ImageSortKey;
  dir: 'asc' | 'desc';
}

/**
 * Every filter Glance v2 knows. A value given as an array becomes Glance's `in:a,b` list
 * where Glance supports it (name, status, visibility, disk/container format, owner, id).
 */
export interface ImageListQuery {
  name?: string | string[];
  status?: string | string[];
  visibility?: Visibility | 'all';
  owner?: string | string[];
  id?: string | string[];
  disk_format?: string | string[];
  container_format?: string | string[];
  /** Every tag must be present (Glance ANDs repeated `tag` parameters). */
  tags?: string[];
  member_status?: 'accepted' | 'pending' | 'rejected' | 'all';
  size_min?: number;
  size_max?: number;
  protected?: boolean;
  os_hidden?: boolean;
  created_at?: DateFilter;
  updated_at?: DateFilter;
  /** Custom-property filters, sent as `key=value`. */
  properties?: Record<string, string>;
  sort?: ImageSort[];
  limit?: number;
  marker?: string;
}

export interface ImagePage {
  images: Image[];
  /** Marker for the next page; absent on the last page. */
  nextMarker?: string;
}

/** Fields accepted when creating an image (the seed's fields plus custom properties). */
export interface ImageCreate {
  id?: string;
  name?: string;
  container_format?: string;
  disk_format?: string;
  min_disk?: number;
  min_ram?: number;
  protected?: boolean;
  os_hidden?: boolean;
  tags?: string[];
  visibility?: Visibility;
  properties?: Record<string, string>;
}

/** One JSON-patch operation as Glance's `application/openstack-images-v2.1-json-patch` takes it. */
export type PatchOperation =
  | { op: 'add'; path: string; value: PropertyValue }
  | { op: 'replace'; path: string; value: PropertyValue }
  | { op: 'remove'; path: string };

export interface ImageMember {
  image_id: string;
  member_id: string;
  status: 'pending' | 'accepted' | 'rejected';
  created_at: string;
  updated_at: string;
}
