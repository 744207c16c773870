/**
 * The copy dialog's forms: one per image, filled from main's preview (common/copy.ts), and
 * what each becomes — the fields the copy is created with on the target cloud — or the
 * problems that keep it from being sent. Pure: a problem is a dictionary key.
 */
import type { CopyPreview, SkippedField, SkipReason } from '../../../common/copy';
import type { ImageCreate, Visibility } from '../../../common/image';
import {
  isCount,
  parseTags,
  propertyField,
  propertyRowProblem,
  tagsText,
  type Checked,
  type Problems,
  type PropertyRow,
} from './image-form';

/** What the user may change of one image's copy before it is made. */
export interface CopyForm {
  name: string;
  disk_format: string;
  container_format: string;
  min_disk: number | null;
  min_ram: number | null;
  tags: string;
  description: string;
  properties: PropertyRow[];
}

/** What a copy with an image already on the target does: skip it, or copy it anyway. */
export type SameDataChoice = 'skip' | 'copy';

/** The settings of the whole dialog, for every image. */
export interface CopySettings {
  visibility: Visibility;
  protected: boolean;
}

/** The form of one image, as main proposes it; the description has a field of its own. */
export function copyForm(create: ImageCreate): CopyForm {
  const { description = '', ...others } = create.properties ?? {};
  return {
    name: create.name ?? '',
    disk_format: create.disk_format ?? '',
    container_format: create.container_format ?? '',
    min_disk: create.min_disk ?? 0,
    min_ram: create.min_ram ?? 0,
    tags: tagsText(create.tags ?? []),
    description,
    properties: Object.entries(others).map(([key, value]) => ({ key, value })),
  };
}

/**
 * The fields the copy is created with, or the problems with the form. The formats must be
 * among those the target offers (when it says which). `os_hidden` stays as main proposed.
 */
export function copyCreate(
  proposed: ImageCreate,
  form: CopyForm,
  settings: CopySettings,
  offered: { diskFormats: readonly string[]; containerFormats: readonly string[] },
): Checked<ImageCreate> {
  const found: Problems = {};
  const name = form.name.trim();
  if (!name) found.name = { key: 'validation.name' };
  const formatProblem = (value: string, options: readonly string[], missing: Problems[string]) =>
    !value
      ? missing
      : options.length > 0 && !options.includes(value)
        ? { key: 'copy.formatNotOffered' as const, params: { format: value } }
        : undefined;
  const disk = formatProblem(form.disk_format, offered.diskFormats, {
    key: 'validation.diskFormat',
  });
  const container = formatProblem(form.container_format, offered.containerFormats, {
    key: 'validation.containerFormat',
  });
  if (disk) found.disk_format = disk;
  if (container) found.container_format = container;
  if (!isCount(form.min_disk)) found.min_disk = { key: 'validation.count' };
  if (!isCount(form.min_ram)) found.min_ram = { key: 'validation.count' };
  const properties: Record<string, string> = {};
  form.properties.forEach((row, index) => {
    const key = row.key.trim();
    if (!key && !row.value) return;
    const problem = !key
      ? { key: 'validation.propertyKey' as const }
      : key === 'description'
        ? { key: 'validation.propertyReserved' as const, params: { key } }
        : Object.hasOwn(properties, key)
          ? { key: 'validation.propertyDuplicate' as const, params: { key } }
          : propertyRowProblem(key, row.value, undefined);
    if (problem) found[propertyField(index)] = problem;
    else properties[key] = row.value;
  });
  const description = form.description.trim();
  if (description) properties.description = description;
  if (Object.keys(found).length > 0) return { ok: false, problems: found };
  return {
    ok: true,
    value: {
      name,
      disk_format: form.disk_format,
      container_format: form.container_format,
      min_disk: form.min_disk as number,
      min_ram: form.min_ram as number,
      tags: parseTags(form.tags),
      visibility: settings.visibility,
      protected: settings.protected,
      ...(proposed.os_hidden ? { os_hidden: true } : {}),
      properties,
    },
  };
}

/**
 * What a copy of this preview does by default when the target already holds its data:
 * skipped in a copy of several images, copied when it is the only one.
 */
export function defaultChoice(preview: CopyPreview, count: number): SameDataChoice {
  return preview.sameData.length > 0 && count > 1 ? 'skip' : 'copy';
}

/** The skipped fields grouped by why, in the order the dialog lists the reasons. */
export function skippedByReason(skipped: readonly SkippedField[]): [SkipReason, string[]][] {
  const order: SkipReason[] = [
    'computed',
    'storage',
    'source-upload',
    'reserved',
    'glance-prefix',
    'not-text',
    'too-long',
  ];
  return order
    .map((why): [SkipReason, string[]] => [
      why,
      skipped.filter((field) => field.why === why).map((field) => field.key),
    ])
    .filter(([, keys]) => keys.length > 0);
}
