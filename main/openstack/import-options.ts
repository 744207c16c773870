/**
 * What a cloud offers for image data beyond `PUT /file` — its import methods and its
 * stores — and the checks that refuse, before anything is sent, an import or a store
 * change the cloud would refuse: a method it does not advertise, a store it does not have,
 * a copy into a store that already holds the image, the removal of the last copy.
 */
import { AppError } from '../../common/errors';
import type { Image } from '../../common/image';
import {
  imageStores,
  importMethods,
  type ImportMethod,
  type ImportOptions,
  type StoreChoice,
  type StoreInfo,
} from '../../common/import';
import type { GlanceClient } from './glance';

type ImportCalls = Pick<GlanceClient, 'getImportInfo' | 'getStores' | 'getStoreTypes'>;

const isImportMethod = (method: string): method is ImportMethod =>
  (importMethods as readonly string[]).includes(method);

/** The import methods the cloud advertises (none where it has no `/v2/info/import`). */
async function offeredMethods(glance: Pick<GlanceClient, 'getImportInfo'>): Promise<string[]> {
  try {
    return (await glance.getImportInfo()).methods;
  } catch (error) {
    if (error instanceof AppError && error.kind === 'not-found') return [];
    throw error;
  }
}

/** The stores, with their types where the user may read `/detail`; none with one store. */
async function stores(glance: ImportCalls): Promise<StoreInfo[]> {
  let listed: Awaited<ReturnType<GlanceClient['getStores']>>;
  try {
    listed = await glance.getStores();
  } catch (error) {
    if (error instanceof AppError && error.kind === 'unsupported') return [];
    throw error;
  }
  const types = await glance.getStoreTypes().catch(() => null);
  return listed.map((store) => {
    const info: StoreInfo = {
      id: store.id,
      isDefault: store.default ?? false,
      readOnly: store.read_only ?? false,
    };
    if (store.description !== undefined) info.description = store.description;
    const type = types?.get(store.id);
    if (type !== undefined) info.type = type;
    return info;
  });
}

export async function importOptions(glance: ImportCalls): Promise<ImportOptions> {
  const [methods, storeList] = await Promise.all([offeredMethods(glance), stores(glance)]);
  return { methods: methods.filter(isImportMethod), stores: storeList };
}

/** Refuses stores the cloud does not have. */
export function checkStores(options: ImportOptions, chosen: readonly string[]): void {
  for (const store of chosen) {
    if (!options.stores.some((known) => known.id === store)) {
      throw new AppError({
        kind: 'validation',
        message: `The cloud has no store named ${store}.`,
        details: { reason: 'unknown-store', store },
      });
    }
  }
}

/**
 * Refuses an import the cloud would refuse: a method it does not advertise, unknown
 * stores, and for copy-image a store that already holds the image (`image`).
 */
export function checkImport(
  options: ImportOptions,
  method: ImportMethod,
  choice: StoreChoice,
  image?: Image,
): void {
  if (!options.methods.includes(method)) {
    throw new AppError({
      kind: 'unsupported',
      message: `This cloud does not offer the ${method} import.`,
      details: { reason: 'method-not-offered', method, offered: options.methods },
    });
  }
  const chosen = choice.allStores ? [] : (choice.stores ?? []);
  checkStores(options, chosen);
  if (method !== 'copy-image' || image === undefined) return;
  const holding = imageStores(image);
  const already = chosen.find((store) => holding.includes(store));
  if (already !== undefined) {
    throw new AppError({
      kind: 'validation',
      message: `The image is already in store ${already}.`,
      details: { reason: 'already-in-store', store: already },
    });
  }
}

/** Refuses to remove an image's data from a store that does not hold it, or holds the last copy. */
export function checkStoreRemoval(image: Image, store: string): void {
  const holding = imageStores(image);
  if (!holding.includes(store)) {
    throw new AppError({
      kind: 'validation',
      message: `The image's data is not in store ${store}.`,
      details: { reason: 'not-in-store', store },
    });
  }
  if (holding.length === 1) {
    throw new AppError({
      kind: 'conflict',
      message: `Store ${store} holds the only copy of the image's data.`,
      details: { reason: 'last-store', store },
    });
  }
}
