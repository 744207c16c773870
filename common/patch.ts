/**
 * The minimal JSON patch (Glance's `application/openstack-images-v2.1-json-patch`) that
 * turns one image into another. Pure: the renderer shows it as the patch preview and sends
 * it; main passes it on to Glance (updateImage).
 */
import {
  coreImageFields,
  readOnlyImageFields,
  type Image,
  type PatchOperation,
  type PropertyValue,
} from './image';

/** Core fields a user may change; everything in `readOnlyImageFields` is left alone. */
export const editableImageFields = [
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'tags',
  'disk_format',
  'container_format',
  'min_disk',
  'min_ram',
] as const satisfies readonly Exclude<keyof Image, (typeof readOnlyImageFields)[number]>[];

/** A JSON pointer for one top-level key (RFC 6901: `~` → `~0`, `/` → `~1`; dots stay as they are). */
export function pointer(key: string): string {
  return `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function sameValue(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameValue(item, b[i]))
    );
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
}

export function diffImage(before: Image, after: Image): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const field of editableImageFields) {
    // Core fields always exist on a Glance image, so a change is a `replace` (null included).
    if (!sameValue(before[field], after[field])) {
      ops.push({ op: 'replace', path: pointer(field), value: after[field] });
    }
  }
  // A "property" named like a core field is not a property: never let it touch a core field.
  const isProperty = (key: string): boolean =>
    !(coreImageFields as readonly string[]).includes(key);
  for (const [key, value] of Object.entries(after.properties)) {
    if (!isProperty(key)) continue;
    if (!Object.hasOwn(before.properties, key)) {
      ops.push({ op: 'add', path: pointer(key), value });
    } else if (!sameValue(before.properties[key], value)) {
      ops.push({ op: 'replace', path: pointer(key), value });
    }
  }
  for (const key of Object.keys(before.properties)) {
    if (isProperty(key) && !Object.hasOwn(after.properties, key))
      ops.push({ op: 'remove', path: pointer(key) });
  }
  return ops;
}
