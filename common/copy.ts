/**
 * Copying images between clouds: what a copy carries over from the source image, what it
 * leaves out and why, and what a Transfer of kind `copy` records. Shared by main (the copy
 * engine, the preview) and the renderer (the copy dialog, the Transfers view). Pure.
 */
import type { AppErrorData } from './errors';
import type { Image, ImageCreate } from './image';
import { keyRule, propertyLimit } from './properties';

/**
 * Why a field of the source image is not set on the copy:
 * - `computed`: the target cloud sets it itself (id, size, hashes, owner, dates, …);
 * - `storage`: where the source cloud keeps the data (`stores`, `locations`, `direct_url`);
 * - `source-upload`: what the source's uploader said about its upload (`owner_specified.*`);
 * - `reserved` / `glance-prefix`: a key Glance refuses (`deleted`, `os_glance_…`);
 * - `not-text`: Glance takes only text as a custom property's value;
 * - `too-long`: longer than Glance takes (255 characters).
 */
export type SkipReason =
  'computed' | 'storage' | 'source-upload' | 'reserved' | 'glance-prefix' | 'not-text' | 'too-long';

export interface SkippedField {
  key: string;
  why: SkipReason;
}

/** Fields of the source the target cloud computes or assigns for itself. */
const computedFields = [
  'id',
  'status',
  'size',
  'virtual_size',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'owner',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof Image)[];

const storageFields = [
  'stores',
  'locations',
  'direct_url',
] as const satisfies readonly (keyof Image)[];

/** Properties that describe the source's upload (openstackclient writes them), not the image. */
const sourceUploadPrefix = 'owner_specified.';

/** Why a custom property of the source is not copied; undefined: it is. */
export function propertySkipReason(key: string, value: unknown): SkipReason | undefined {
  if (key.startsWith(sourceUploadPrefix)) return 'source-upload';
  const rule = keyRule(key);
  if (rule === 'reserved' || rule === 'glance-prefix') return rule;
  // A custom property never has a core field's name: toImage put those in the core fields.
  if (rule !== undefined) return 'computed';
  if (typeof value !== 'string') return 'not-text';
  if (key.length > propertyLimit || value.length > propertyLimit) return 'too-long';
  return undefined;
}

export interface CopyFields {
  /**
   * What the image on the target cloud is created with: the source's name, formats, minimum
   * disk and RAM, tags and every custom property the target takes; private, not protected.
   */
  create: ImageCreate;
  /** What is left out, in the source's order: core fields first, then custom properties. */
  skipped: SkippedField[];
}

/** The fields a copy of `image` gets on another cloud, and those it does not. */
export function copyFields(image: Image): CopyFields {
  const skipped: SkippedField[] = [];
  for (const key of computedFields) {
    if (image[key] !== null && image[key] !== '') skipped.push({ key, why: 'computed' });
  }
  for (const key of storageFields) {
    if (image[key] !== undefined) skipped.push({ key, why: 'storage' });
  }
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(image.properties)) {
    const why = propertySkipReason(key, value);
    if (why === undefined) properties[key] = value as string;
    else skipped.push({ key, why });
  }
  const create: ImageCreate = {
    ...(image.name === null ? {} : { name: image.name }),
    ...(image.disk_format === null ? {} : { disk_format: image.disk_format }),
    ...(image.container_format === null ? {} : { container_format: image.container_format }),
    min_disk: image.min_disk,
    min_ram: image.min_ram,
    tags: [...image.tags],
    visibility: 'private',
    protected: false,
    ...(image.os_hidden ? { os_hidden: true } : {}),
    properties,
  };
  return { create, skipped };
}

/** An image of the target cloud that already holds the same data (same hash and size). */
export interface SameDataImage {
  id: string;
  name: string | null;
  status: string;
}

/** What copying one image would do, for the copy dialog to show and let the user edit. */
export interface CopyPreview {
  /** The source image. */
  imageId: string;
  name: string | null;
  size: number | null;
  /** What the copy is created with, and what it leaves out (`copyFields`). */
  create: ImageCreate;
  skipped: SkippedField[];
  /** Images on the target cloud with the same hash and size. */
  sameData: SameDataImage[];
  /** Why this image cannot be copied (it has no data, it is gone, …); absent: it can. */
  problem?: AppErrorData;
}

/** One image to copy, with the fields the user settled on in the copy dialog. */
export interface CopyItem {
  imageId: string;
  /** Applied as given, except `protected`: that is set only once the copy is verified. */
  create: ImageCreate;
}

/** Copy images of one cloud to another. */
export interface CopyRequest {
  sourceProfileId: string;
  targetProfileId: string;
  items: CopyItem[];
  /** Also keep a local copy of each image in this folder, written while the bytes pass. */
  localCopyFolder?: string;
}

/** What a Transfer of kind `copy` records besides the source (its `profileId` and `imageId`). */
export interface CopyInfo {
  targetProfileId: string;
  /** The image being filled on the target cloud; '' until it is created. */
  targetImageId: string;
  /** How many times the upload to the target started over. */
  uploadRestarts: number;
  /**
   * Why the upload last started over (Glance cannot continue an upload), and where its
   * bytes then came from: the source cloud again, or the local copy.
   */
  lastRestart?: { error: AppErrorData; from: 'source' | 'local-copy' };
  /** A cancel kept the unfinished image on the target (queued, named as such) at the user's request. */
  keptTarget?: boolean;
  /** Why the local copy was given up (a full disk, …); the copy to the cloud went on without it. */
  localCopyLost?: AppErrorData;
}

/** The name a kept, unfinished copy gets on the target cloud, so nobody takes it for a copy. */
export function unfinishedCopyName(name: string): string {
  const mark = ' (unfinished copy)';
  return name.slice(0, 255 - mark.length) + mark;
}
