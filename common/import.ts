/**
 * Glance's interoperable import and its stores, shared by main (the import engine, the IPC
 * calls) and the renderer (the create dialog, the Transfers view, the stores column).
 */
import type { Image } from './image';

/** The import methods Glance may advertise in `/v2/info/import`. */
export const importMethods = [
  'glance-direct',
  'web-download',
  'copy-image',
  'glance-download',
] as const;
export type ImportMethod = (typeof importMethods)[number];

/** Where the data of an import comes from. */
export type ImportSource =
  /** A local file, staged first (`PUT /stage`), then imported. */
  | { method: 'glance-direct'; path: string }
  /** A URL the cloud downloads itself. */
  | { method: 'web-download'; url: string }
  /** The image's own data, copied into more stores (the image must be active). */
  | { method: 'copy-image' }
  /** An image of another region of the same cloud. */
  | { method: 'glance-download'; region: string; imageId: string };

/** The stores an import writes to; none given: the cloud's default store. */
export interface StoreChoice {
  stores?: string[];
  /** Every store of the cloud (copy-image: every store that lacks the data). */
  allStores?: boolean;
  /** With several stores: fail the import when one store fails (Glance's default), or keep the others. */
  allStoresMustSucceed?: boolean;
}

/** How far an import has got, as the image and its task say. */
export interface ImportProgress {
  method: ImportMethod;
  /** The stores asked for; empty: the cloud's default. */
  stores: string[];
  /** Still being written (`os_glance_importing_to_stores`). */
  importing: string[];
  /** Failed (`os_glance_failed_import`). */
  failed: string[];
}

/** One store of the cloud (`/v2/info/stores`; `type` only where `/detail` is allowed). */
export interface StoreInfo {
  id: string;
  description?: string;
  isDefault: boolean;
  readOnly: boolean;
  /** 'file', 'rbd', 'swift', … */
  type?: string;
}

/** What the create and copy forms need to know about a cloud's import and stores. */
export interface ImportOptions {
  /** The methods `/v2/info/import` advertises, in Glance's order. */
  methods: ImportMethod[];
  /** Empty when the cloud has one store (multiple stores not enabled). */
  stores: StoreInfo[];
  /**
   * Where glance-download is offered: the other regions whose image service the catalog
   * lists, the ones an image may be fetched from.
   */
  regions?: string[];
}

/** A comma-separated list from an image property (`stores`, `os_glance_failed_import`, …). */
export function storeList(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((store) => store.trim())
    .filter(Boolean);
}

/** The stores holding an image's data. */
export function imageStores(image: Pick<Image, 'stores'>): string[] {
  return storeList(image.stores);
}
