/**
 * Which custom property keys and values Glance takes, shared by main (which refuses the
 * rest before sending) and the renderer (which says why beside the field). Pure.
 */
import type { ErrorDetails } from './errors';
import { coreImageFields, readOnlyImageFields, type PatchOperation } from './image';

/** Longest key and longest value, in characters (Glance's database columns; Huawei IMS says the same). */
export const propertyLimit = 255;

/**
 * Why a key cannot be a custom property: a field Glance manages (`read-only`), one of the
 * image's own fields edited in its own control (`core-field`), a name Glance keeps for
 * itself (`reserved`), or Glance's own `os_glance_…` namespace (`glance-prefix`).
 */
export type KeyRule = 'read-only' | 'core-field' | 'reserved' | 'glance-prefix';

const readOnly: ReadonlySet<string> = new Set(readOnlyImageFields);
const core: ReadonlySet<string> = new Set(coreImageFields);
/** glance/api/v2/images.py `_reserved_properties`. */
const reserved: ReadonlySet<string> = new Set(['location', 'deleted', 'deleted_at']);

export function keyRule(key: string): KeyRule | undefined {
  if (readOnly.has(key)) return 'read-only';
  if (core.has(key)) return 'core-field';
  if (reserved.has(key)) return 'reserved';
  if (key.startsWith('os_glance')) return 'glance-prefix';
  return undefined;
}

/** What is wrong with a custom property, or undefined when Glance takes it. */
export function propertyProblem(key: string, value: unknown): ErrorDetails | undefined {
  const rule = keyRule(key);
  if (rule !== undefined) return { reason: 'property-refused', key, rule };
  if (key.length > propertyLimit) {
    return { reason: 'property-too-long', key, part: 'key', limit: propertyLimit };
  }
  if (typeof value === 'string' && value.length > propertyLimit) {
    return { reason: 'property-too-long', key, part: 'value', limit: propertyLimit };
  }
  return undefined;
}

/** The top-level key a JSON pointer names (RFC 6901 unescaped), as common/patch.ts writes them. */
export function pointerKey(path: string): string {
  return path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The first operation of a patch that Glance would refuse: one on a field Glance manages or
 * keeps for itself, or a custom property over the limits. The image's editable fields
 * (name, visibility, tags, …) may be patched.
 */
export function patchProblem(ops: readonly PatchOperation[]): ErrorDetails | undefined {
  for (const op of ops) {
    const key = pointerKey(op.path);
    const rule = keyRule(key);
    if (rule === 'core-field') continue;
    const problem = propertyProblem(key, op.op === 'remove' ? undefined : op.value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * The image list's own query parameters (main/openstack/image-format.ts): a property filter
 * named like one would replace it (`limit=…`, `sort_key=…`) rather than filter.
 */
const listParameters: ReadonlySet<string> = new Set([
  'name',
  'status',
  'visibility',
  'owner',
  'id',
  'disk_format',
  'container_format',
  'tag',
  'tags',
  'member_status',
  'size_min',
  'size_max',
  'protected',
  'os_hidden',
  'created_at',
  'updated_at',
  'sort',
  'sort_key',
  'sort_dir',
  'limit',
  'marker',
]);

/** Whether a property filter's key is one of the list's own parameters. */
export function filterKeyRule(key: string): boolean {
  return listParameters.has(key);
}
