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
  type ImportSource,
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

/**
 * What the cloud offers; `otherRegions` reads the catalog's other image regions, asked only
 * where glance-download is offered.
 */
export async function importOptions(
  glance: ImportCalls,
  otherRegions: () => Promise<string[]>,
): Promise<ImportOptions> {
  const [offered, storeList] = await Promise.all([offeredMethods(glance), stores(glance)]);
  const methods = offered.filter(isImportMethod);
  if (!methods.includes('glance-download')) return { methods, stores: storeList };
  return { methods, stores: storeList, regions: await otherRegions() };
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
 * stores, for glance-download a region whose image service the catalog does not list, and
 * for copy-image a store that already holds the image (`image`).
 */
export function checkImport(
  options: ImportOptions,
  source: ImportSource,
  choice: StoreChoice,
  image?: Image,
): void {
  const { method } = source;
  if (!options.methods.includes(method)) {
    throw new AppError({
      kind: 'unsupported',
      message: `This cloud does not offer the ${method} import.`,
      details: { reason: 'method-not-offered', method, offered: options.methods },
    });
  }
  if (method === 'glance-download') checkRegion(options.regions ?? [], source.region);
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

/**
 * Refuses a glance-download from a region the catalog lists no image service in: Glance
 * would only fail its task with an "Internal Error". Glance fetches over the public
 * endpoint unless told otherwise.
 */
function checkRegion(regions: readonly string[], region: string): void {
  if (regions.includes(region)) return;
  throw new AppError({
    kind: 'validation',
    message: `The catalog has no public image endpoint in region ${region}.`,
    details: {
      reason: 'no-image-endpoint',
      interface: 'public',
      region,
      available: regions.map((other) => `public (${other})`),
    },
  });
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
