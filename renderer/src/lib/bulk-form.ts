/**
 * The bulk edit form: what to change on every selected image, as typed, and the change it
 * describes (common/bulk-edit.ts) or the problems that keep it from being previewed. Blank
 * fields change nothing. Pure: a problem is a dictionary key, as in lib/image-form.ts.
 */
import type { BulkChange, BulkPlan, ImagePatch } from '../../../common/bulk-edit';
import { inversePatch } from '../../../common/bulk-edit';
import type { UpdatedImage } from '../../../common/contract';
import type { Visibility } from '../../../common/image';
import { keyRule } from '../../../common/properties';
import {
  checked,
  isCount,
  parseTags,
  rowProperties,
  type Checked,
  type KeyLookup,
  type Problems,
  type PropertyRow,
} from './image-form';

export interface BulkForm {
  addTags: string;
  removeTags: string;
  /** Properties to set on every image. */
  properties: PropertyRow[];
  /** Comma-separated keys to remove. */
  unset: string;
  visibility: Visibility | '';
  protected: '' | 'yes' | 'no';
  hidden: '' | 'yes' | 'no';
  min_disk: number | null;
  min_ram: number | null;
}

export const emptyBulkForm = (): BulkForm => ({
  addTags: '',
  removeTags: '',
  properties: [],
  unset: '',
  visibility: '',
  protected: '',
  hidden: '',
  min_disk: null,
  min_ram: null,
});

/** No key has a field of its own here: `description` is set like any property. */
const noOwnFields: ReadonlySet<string> = new Set();

export function bulkChange(form: BulkForm, known: KeyLookup): Checked<BulkChange> {
  const found: Problems = {};
  const properties = rowProperties(form.properties, found, known, noOwnFields);
  const unset = parseTags(form.unset);
  for (const key of unset) {
    const rule = keyRule(key);
    if (rule === undefined) continue;
    found.unset = { key: `error.propertyRefused.${rule}`, params: { key } };
    break;
  }
  for (const field of ['min_disk', 'min_ram'] as const) {
    const value = form[field];
    if (value !== null && !isCount(value)) found[field] = { key: 'validation.count' };
  }
  const change: BulkChange = {};
  const addTags = parseTags(form.addTags);
  const removeTags = parseTags(form.removeTags);
  if (addTags.length) change.addTags = addTags;
  if (removeTags.length) change.removeTags = removeTags;
  // Typed in the form, so every value is a string.
  if (properties.size) {
    change.setProperties = Object.fromEntries(properties) as Record<string, string>;
  }
  if (unset.length) change.unsetProperties = unset;
  if (form.visibility) change.visibility = form.visibility;
  if (form.protected) change.protected = form.protected === 'yes';
  if (form.hidden) change.os_hidden = form.hidden === 'yes';
  if (form.min_disk !== null) change.min_disk = form.min_disk;
  if (form.min_ram !== null) change.min_ram = form.min_ram;
  if (Object.keys(found).length === 0 && Object.keys(change).length === 0) {
    found.change = { key: 'bulk.nothingToChange' };
  }
  return checked(found, () => change);
}

/**
 * The patches that undo what a bulk edit did: for each image it changed, what the patch
 * touched goes back to how the plan found it. Images it did not change are left out.
 */
export function undoPatches(plan: BulkPlan, results: readonly UpdatedImage[]): ImagePatch[] {
  const before = new Map(plan.edits.map((edit) => [edit.image.id, edit]));
  const undo: ImagePatch[] = [];
  for (const result of results) {
    const planned = before.get(result.imageId);
    if (!result.ok || !result.image || !planned) continue;
    const ops = inversePatch(planned.image, result.image, planned.ops);
    if (ops.length > 0) undo.push({ imageId: result.imageId, ops });
  }
  return undo;
}
