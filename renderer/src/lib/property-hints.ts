/**
 * What the property editor knows about keys: the cloud's metadata definitions (one group
 * per namespace) and, on clouds that use them, Huawei Cloud IMS's image properties (a
 * built-in group, worded in our dictionaries). Suggestions for a typed key, grouped; the
 * type, choices and range of a known key; and the checks of a value against them. Pure.
 */
import type { Image } from '../../../common/image';
import type { MetadefNamespace, PropertyDefinition } from '../../../common/metadefs';
import type { MessageKey } from '../i18n/en';
import type { Problem } from './image-form';

/** A known key: from the cloud (its own title and description) or built in (ours, by dictionary key). */
export interface KnownProperty extends PropertyDefinition {
  descriptionKey?: MessageKey;
}

export interface KeyGroup {
  id: string;
  title: string;
  properties: KnownProperty[];
}

const trueOnly = ['true'];
const trueFalse = ['true', 'false'];

function ims(key: string, rest: Omit<KnownProperty, 'key' | 'title' | 'type'> = {}): KnownProperty {
  return {
    key,
    title: key,
    type: 'string',
    descriptionKey: `ims.${key}` as MessageKey,
    ...rest,
  };
}

/**
 * Huawei Cloud IMS's image properties (IMS API reference, "Image Attributes"): what decides
 * how an image boots there. The ones IMS sets itself are marked read-only.
 */
export const imsGroup: KeyGroup = {
  id: 'huawei-ims',
  title: 'Huawei Cloud IMS',
  properties: [
    ims('__os_version'),
    ims('__platform', {
      enum: [
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
      ],
    }),
    ims('__os_type', { enum: ['Linux', 'Windows', 'Other'] }),
    ims('__os_bit', { enum: ['32', '64'] }),
    ims('__imagetype', { enum: ['gold', 'private', 'shared', 'market'], readonly: true }),
    ims('__support_kvm', { enum: trueOnly }),
    ims('__support_xen', { enum: trueOnly }),
    ims('__support_largememory', { enum: trueOnly }),
    ims('__support_diskintensive', { enum: trueOnly }),
    ims('__support_highperformance', { enum: trueOnly }),
    ims('__support_kvm_gpu_type'),
    ims('__support_xen_gpu_type'),
    ims('__support_kvm_infiniband', { enum: trueOnly }),
    ims('__support_arm', { enum: trueFalse }),
    ims('__is_config_init', { enum: trueFalse }),
    ims('__lazyloading', { enum: trueFalse }),
    ims('__system__cmkid'),
    ims('__isregistered', { enum: trueOnly, readonly: true }),
    ims('__image_source_type', { readonly: true }),
    ims('__image_size', { readonly: true }),
    ims('__data_origin', { readonly: true }),
    ims('__originalimagename', { readonly: true }),
    ims('__root_origin', { readonly: true }),
    ims('__productcode', { readonly: true }),
    ims('hw_firmware_type', { enum: ['bios', 'uefi'] }),
    ims('hw_vif_multiqueue_enabled', { enum: trueFalse }),
    ims('virtual_env_type', { enum: ['FusionCompute', 'Ironic', 'DataImage', 'IsoImage'] }),
    ims('enterprise_project_id'),
  ],
};

/** IMS's own keys (`__…`), by which a cloud is seen to use IMS. */
const imsKeys = imsGroup.properties.map((p) => p.key).filter((key) => key.startsWith('__'));

/** Whether any of these images carries an IMS property: then the cloud uses them. */
export function usesIms(images: Iterable<Image>): boolean {
  for (const image of images) {
    if (imsKeys.some((key) => Object.hasOwn(image.properties, key))) return true;
  }
  return false;
}

/** An IMS image without `__os_version`: IMS says servers created from it may fail. */
export function lacksOsVersion(properties: Record<string, unknown>): boolean {
  const version = properties.__os_version;
  return typeof version !== 'string' || version.trim() === '';
}

/** The same, for property rows as a form has them. */
export function rowsLackOsVersion(rows: readonly { key: string; value: string }[]): boolean {
  return !rows.some((row) => row.key.trim() === '__os_version' && row.value.trim() !== '');
}

/** The editor's groups: IMS's first on clouds that use it, then the cloud's namespaces. */
export function keyGroups(namespaces: readonly MetadefNamespace[], withIms: boolean): KeyGroup[] {
  const groups = namespaces.map((namespace) => ({
    id: namespace.namespace,
    title: namespace.title,
    properties: namespace.properties,
  }));
  return withIms ? [imsGroup, ...groups] : groups;
}

/** The first group's definition of `key`. */
export function knownProperty(groups: readonly KeyGroup[], key: string): KnownProperty | undefined {
  for (const group of groups) {
    const found = group.properties.find((property) => property.key === key);
    if (found) return found;
  }
  return undefined;
}

/** The known keys matching what was typed (in the key or its title), grouped, at most `limit` in all. */
export function keySuggestions(groups: readonly KeyGroup[], typed: string, limit = 40): KeyGroup[] {
  const needle = typed.trim().toLowerCase();
  const found: KeyGroup[] = [];
  let left = limit;
  for (const group of groups) {
    if (left <= 0) break;
    const properties = group.properties
      .filter(
        (property) =>
          property.key.toLowerCase().includes(needle) ||
          property.title.toLowerCase().includes(needle),
      )
      .filter((property) => property.key !== typed)
      .slice(0, left);
    if (properties.length > 0) found.push({ ...group, properties });
    left -= properties.length;
  }
  return found;
}

const wholeNumber = /^-?\d+$/;

/** What is wrong with `value` for a known key: not a choice, not a number, out of range or pattern. */
export function valueProblem(known: KnownProperty, value: string): Problem | undefined {
  const { enum: choices, minimum, maximum } = known;
  if (known.type === 'boolean' && !trueFalse.includes(value)) {
    return { key: 'validation.oneOf', params: { values: trueFalse.join(', ') } };
  }
  if (choices && known.type !== 'array' && !choices.includes(value)) {
    return { key: 'validation.oneOf', params: { values: choices.join(', ') } };
  }
  if (known.type === 'integer' || known.type === 'number') {
    const number = Number(value);
    const readable =
      value.trim() !== '' &&
      Number.isFinite(number) &&
      (known.type === 'number' || wholeNumber.test(value.trim()));
    if (!readable) {
      return { key: known.type === 'integer' ? 'validation.integer' : 'validation.number' };
    }
    if (
      (minimum !== undefined && number < minimum) ||
      (maximum !== undefined && number > maximum)
    ) {
      return rangeProblem(minimum, maximum);
    }
  }
  if (known.type === 'string') {
    if (known.minLength !== undefined && value.length < known.minLength) {
      return { key: 'validation.minLength', params: { count: String(known.minLength) } };
    }
    if (known.maxLength !== undefined && value.length > known.maxLength) {
      return { key: 'validation.maxLength', params: { count: String(known.maxLength) } };
    }
    if (known.pattern !== undefined && !matches(known.pattern, value)) {
      return { key: 'validation.pattern', params: { pattern: known.pattern } };
    }
  }
  return undefined;
}

function rangeProblem(minimum: number | undefined, maximum: number | undefined): Problem {
  if (minimum !== undefined && maximum !== undefined) {
    return { key: 'validation.range', params: { min: String(minimum), max: String(maximum) } };
  }
  return minimum !== undefined
    ? { key: 'validation.atLeast', params: { min: String(minimum) } }
    : { key: 'validation.atMost', params: { max: String(maximum) } };
}

/** A cloud's pattern that is not a valid regular expression here checks nothing. */
function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}
