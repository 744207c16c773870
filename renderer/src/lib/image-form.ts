/**
 * The two image forms (the details panel's edit form and the create dialog): their values
 * as typed, and what those become — the JSON patch that saves an edit (computed by
 * common/patch.ts), the fields of a new image — or the problems that keep them from being
 * sent. Pure: a problem is a dictionary key, worded by the field that shows it.
 */
import {
  type Image,
  type ImageCreate,
  type PatchOperation,
  type PropertyValue,
  type Visibility,
} from '../../../common/image';
import { diffImage } from '../../../common/patch';
import { propertyProblem } from '../../../common/properties';
import type { MessageKey } from '../i18n/en';
import type { FieldUnit } from '../i18n/labels';
import { valueProblem, type KnownProperty } from './property-hints';

/** Why a value cannot be sent: a dictionary key and its parameters. */
export interface Problem {
  key: MessageKey;
  params?: Record<string, string>;
}

/** Problems by the name of the field they are about; a property row's is `propertyField(row)`. */
export type Problems = Record<string, Problem>;

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problems };

/** Glance counts min_disk in gigabytes and min_ram in megabytes. */
export const countUnits = {
  min_disk: 'gigabyte',
  min_ram: 'megabyte',
} as const satisfies Record<string, FieldUnit>;

/** Comma-separated tags: each one trimmed, blanks and repeats left out. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

export function tagsText(tags: readonly string[]): string {
  return tags.join(', ');
}

/**
 * Whether a number field's value is a min disk / RAM Glance takes: a whole number, 0 or
 * more. A blank field or one the browser cannot read as a number gives null.
 */
export function isCount(value: number | null): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** A property's value as the form shows it: a string as it is, anything else as JSON. */
export function propertyText(value: PropertyValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function checkCounts(form: { min_disk: number | null; min_ram: number | null }, found: Problems) {
  if (!isCount(form.min_disk)) found.min_disk = { key: 'validation.count' };
  if (!isCount(form.min_ram)) found.min_ram = { key: 'validation.count' };
}

export const checked = <T>(found: Problems, value: () => T): Checked<T> =>
  Object.keys(found).length > 0 ? { ok: false, problems: found } : { ok: true, value: value() };

/** What the cloud says about a property key (its metadata definitions, IMS's built-in ones). */
export type KeyLookup = (key: string) => KnownProperty | undefined;

/**
 * Why a custom property cannot be sent as typed: what Glance refuses (common/properties.ts),
 * then what the cloud defines for the key (type, choices, range).
 */
export function propertyRowProblem(
  key: string,
  value: string,
  known: KnownProperty | undefined,
): Problem | undefined {
  const refused = propertyProblem(key, value);
  if (refused?.reason === 'property-refused') {
    return { key: `error.propertyRefused.${refused.rule}`, params: { key } };
  }
  if (refused?.reason === 'property-too-long') {
    const limit = String(refused.limit);
    return refused.part === 'key'
      ? { key: 'error.propertyKeyTooLong', params: { key: `${key.slice(0, 40)}…`, limit } }
      : { key: 'error.propertyValueTooLong', params: { key, limit } };
  }
  return known === undefined ? undefined : valueProblem(known, value);
}

/** Keys the image forms edit in a field of their own, not as a property row. */
const ownFieldKeys: ReadonlySet<string> = new Set(['description']);

/**
 * The custom properties the rows describe, keyed in a Map (so that `toString` or `__proto__`
 * are keys like any other); each row's problem goes into `found`. A row left as the server
 * sent it is taken as it is: only what the user typed is checked.
 */
export function rowProperties(
  rows: readonly PropertyRow[],
  found: Problems,
  known: KeyLookup,
  ownFields: ReadonlySet<string> = ownFieldKeys,
): Map<string, PropertyValue> {
  const properties = new Map<string, PropertyValue>();
  rows.forEach((row, i) => {
    const key = row.key.trim();
    if (!key && !row.value) return;
    const untouched = row.original !== undefined && row.original.text === row.value;
    const problem = !key
      ? { key: 'validation.propertyKey' as const }
      : ownFields.has(key)
        ? { key: 'validation.propertyReserved' as const, params: { key } }
        : properties.has(key)
          ? { key: 'validation.propertyDuplicate' as const, params: { key } }
          : untouched && row.original?.key === key
            ? undefined
            : propertyRowProblem(key, row.value, known(key));
    if (problem) found[propertyField(i)] = problem;
    else properties.set(key, untouched && row.original ? row.original.value : row.value);
  });
  return properties;
}

// The edit form

export interface PropertyRow {
  key: string;
  value: string;
  /** The server's value and how it was shown, so an untouched non-string value is kept as it was. */
  original?: { key: string; text: string; value: PropertyValue };
}

export interface EditForm {
  name: string;
  visibility: string;
  protected: boolean;
  os_hidden: boolean;
  tags: string;
  disk_format: string;
  container_format: string;
  min_disk: number | null;
  min_ram: number | null;
  description: string;
  properties: PropertyRow[];
}

/** An image's custom properties in key order (description among them). */
export function sortedProperties(image: Image): [string, PropertyValue][] {
  return Object.entries(image.properties).sort(([a], [b]) => a.localeCompare(b));
}

/** The edit form filled with an image's values; its description has a field of its own. */
export function editForm(image: Image): EditForm {
  const description = image.properties.description;
  return {
    name: image.name ?? '',
    visibility: image.visibility,
    protected: image.protected,
    os_hidden: image.os_hidden,
    tags: tagsText(image.tags),
    disk_format: image.disk_format ?? '',
    container_format: image.container_format ?? '',
    min_disk: image.min_disk,
    min_ram: image.min_ram,
    description: description === undefined ? '' : propertyText(description),
    properties: sortedProperties(image)
      .filter(([key]) => key !== 'description')
      .map(([key, value]) => ({
        key,
        value: propertyText(value),
        original: { key, text: propertyText(value), value },
      })),
  };
}

export const propertyField = (row: number): string => `property-${row}`;

const unknownKeys: KeyLookup = () => undefined;

/** The image as the edit form describes it. */
export function editedImage(
  before: Image,
  form: EditForm,
  known: KeyLookup = unknownKeys,
): Checked<Image> {
  const found: Problems = {};
  checkCounts(form, found);
  const properties = rowProperties(form.properties, found, known);
  // A cleared description is left out, so the patch removes it.
  if (form.description !== '') properties.set('description', form.description);
  return checked(found, () => ({
    ...before,
    name: form.name === '' && before.name === null ? null : form.name,
    visibility: form.visibility,
    protected: form.protected,
    os_hidden: form.os_hidden,
    tags: parseTags(form.tags),
    // Formats can be set only while the image has no data; an empty choice keeps what it has.
    disk_format: form.disk_format || before.disk_format,
    container_format: form.container_format || before.container_format,
    min_disk: form.min_disk as number,
    min_ram: form.min_ram as number,
    properties: Object.fromEntries(properties),
  }));
}

/** The JSON patch that saves the edit form (empty when nothing changed). */
export function editPatch(
  before: Image,
  form: EditForm,
  known: KeyLookup = unknownKeys,
): Checked<PatchOperation[]> {
  const after = editedImage(before, form, known);
  return after.ok ? { ok: true, value: diffImage(before, after.value) } : after;
}

// The create form

export interface CreateForm {
  name: string;
  disk_format: string;
  container_format: string;
  visibility: Visibility;
  min_disk: number | null;
  min_ram: number | null;
  /** Blank for a UUID of Glance's choosing. */
  id: string;
  tags: string;
  description: string;
  protected: boolean;
  properties: PropertyRow[];
}

export const emptyCreateForm = (): CreateForm => ({
  name: '',
  disk_format: '',
  container_format: 'bare',
  visibility: 'private',
  min_disk: 0,
  min_ram: 0,
  id: '',
  tags: '',
  description: '',
  protected: false,
  properties: [],
});

/**
 * Where a new image's data comes from: a local file (its path), a URL the cloud imports, or
 * an image in another region of the cloud (glance-download).
 */
export type ImageSource =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'region'; region: string; imageId: string };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const webAddress = /^https?:\/\/\S+$/;

/** The fields of the image to create, checked together with its source. */
export function newImageFields(
  form: CreateForm,
  source: ImageSource,
  known: KeyLookup = unknownKeys,
): Checked<ImageCreate> {
  const found: Problems = {};
  const properties = rowProperties(form.properties, found, known);
  const name = form.name.trim();
  const id = form.id.trim();
  if (!name) found.name = { key: 'validation.name' };
  if (!form.disk_format) found.disk_format = { key: 'validation.diskFormat' };
  if (!form.container_format) found.container_format = { key: 'validation.containerFormat' };
  checkCounts(form, found);
  if (id && !uuid.test(id)) found.id = { key: 'validation.uuid' };
  if (source.kind === 'file' && !source.path) found.file = { key: 'validation.file' };
  if (source.kind === 'url' && !webAddress.test(source.url.trim())) {
    found.url = { key: 'validation.url' };
  }
  if (source.kind === 'region' && !uuid.test(source.imageId.trim())) {
    found.sourceImageId = { key: 'validation.sourceImageId' };
  }
  return checked(found, () => {
    const fields: ImageCreate = {
      name,
      disk_format: form.disk_format,
      container_format: form.container_format,
      visibility: form.visibility,
      min_disk: form.min_disk as number,
      min_ram: form.min_ram as number,
      protected: form.protected,
    };
    const tags = parseTags(form.tags);
    if (tags.length) fields.tags = tags;
    if (id) fields.id = id.toLowerCase();
    const description = form.description.trim();
    if (description) properties.set('description', description);
    // Typed in the form, so every value is a string.
    if (properties.size > 0) {
      fields.properties = Object.fromEntries(properties) as Record<string, string>;
    }
    return fields;
  });
}

/**
 * What a chosen file suggests for the fields still blank: its name without the extension,
 * and its extension as the disk format when the cloud offers that format.
 */
export function suggestedByFile(
  form: CreateForm,
  path: string,
  diskFormats: readonly string[],
): Partial<Pick<CreateForm, 'name' | 'disk_format'>> {
  const fileName = path.split(/[\\/]/).pop() ?? '';
  const suggested: Partial<Pick<CreateForm, 'name' | 'disk_format'>> = {};
  if (!form.name.trim()) suggested.name = fileName.replace(/\.[^.]+$/, '');
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (!form.disk_format && extension && diskFormats.includes(extension)) {
    suggested.disk_format = extension;
  }
  return suggested;
}
