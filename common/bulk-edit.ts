/**
 * One change made to several images at once, and the JSON patch it makes for each image
 * (common/patch.ts computes it from the image before and after): tags added and removed,
 * custom properties set and unset, visibility, protected, hidden, min disk and RAM. The
 * inverse of what was applied undoes it. Pure: main plans with it, the renderer undoes.
 */
import type { AppErrorData } from './errors';
import type { Image, PatchOperation, Visibility } from './image';
import { diffImage } from './patch';

/** What to change; anything absent stays as each image has it. */
export interface BulkChange {
  addTags?: string[];
  removeTags?: string[];
  setProperties?: Record<string, string>;
  unsetProperties?: string[];
  visibility?: Visibility;
  protected?: boolean;
  os_hidden?: boolean;
  min_disk?: number;
  min_ram?: number;
}

/** The patch for one image. */
export interface ImagePatch {
  imageId: string;
  ops: PatchOperation[];
}

/** The image as the change leaves it. */
export function changedImage(image: Image, change: BulkChange): Image {
  const removed = new Set(change.removeTags ?? []);
  const tags = image.tags.filter((tag) => !removed.has(tag));
  for (const tag of change.addTags ?? []) if (!tags.includes(tag)) tags.push(tag);
  const unset = new Set(change.unsetProperties ?? []);
  const properties = Object.fromEntries([
    ...Object.entries(image.properties).filter(([key]) => !unset.has(key)),
    ...Object.entries(change.setProperties ?? {}),
  ]);
  return {
    ...image,
    tags,
    properties,
    visibility: change.visibility ?? image.visibility,
    protected: change.protected ?? image.protected,
    os_hidden: change.os_hidden ?? image.os_hidden,
    min_disk: change.min_disk ?? image.min_disk,
    min_ram: change.min_ram ?? image.min_ram,
  };
}

/** The JSON patch that makes the change to this image (empty when it already is so). */
export function bulkPatch(image: Image, change: BulkChange): PatchOperation[] {
  return diffImage(image, changedImage(image, change));
}

/** Patches that are the same, together (most images first), for the preview. */
export function groupPatches<T extends { ops: PatchOperation[] }>(
  edits: readonly T[],
): { ops: PatchOperation[]; edits: T[] }[] {
  const groups = new Map<string, { ops: PatchOperation[]; edits: T[] }>();
  for (const edit of edits) {
    const key = JSON.stringify(edit.ops);
    const group = groups.get(key);
    if (group) group.edits.push(edit);
    else groups.set(key, { ops: edit.ops, edits: [edit] });
  }
  return [...groups.values()].sort((a, b) => b.edits.length - a.edits.length);
}

/**
 * The patch that undoes `applied` on an image that went from `before` to `after`: only the
 * fields and properties the patch touched go back, so a change made meanwhile elsewhere on
 * the image stays.
 */
export function inversePatch(
  before: Image,
  after: Image,
  applied: readonly PatchOperation[],
): PatchOperation[] {
  const touched = new Set(applied.map((op) => op.path));
  return diffImage(after, before).filter((op) => touched.has(op.path));
}

/** One image of a plan: as it is now (read fresh), and the patch the change makes to it. */
export interface PlannedEdit {
  image: Image;
  ops: PatchOperation[];
}

/** What a bulk change would do, for the preview; nothing is sent yet. */
export interface BulkPlan {
  /** The user's project, to tell which images it does not own (null: not known). */
  projectId: string | null;
  edits: PlannedEdit[];
  /** Images that could not be read (gone, or not visible). */
  failed: { imageId: string; error: AppErrorData }[];
}
