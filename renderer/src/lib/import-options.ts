/**
 * A cloud's import methods and stores (main's getImportOptions), asked once per profile and
 * shared by the views that offer them: the create dialog, the image details, the table's
 * store filter. A cloud that cannot say offers nothing beyond a direct upload.
 */
import type { ImportOptions, StoreChoice } from '../../../common/import';
import { api } from './api';

const none: ImportOptions = { methods: [], stores: [] };
const asked = new Map<string, Promise<ImportOptions>>();

export function importOptionsOf(profileId: string): Promise<ImportOptions> {
  let options = asked.get(profileId);
  if (options === undefined) {
    options = api.getImportOptions({ profileId }).catch(() => {
      asked.delete(profileId);
      return none;
    });
    asked.set(profileId, options);
  }
  return options;
}

/** The store choice an import sends: every store, the chosen ones, or the cloud's default. */
export function storeChoice(
  stores: readonly string[],
  allStores: boolean,
  mustSucceed: boolean,
): StoreChoice {
  if (allStores) return { allStores: true, allStoresMustSucceed: mustSucceed };
  if (stores.length === 0) return {};
  return stores.length === 1
    ? { stores: [...stores] }
    : { stores: [...stores], allStoresMustSucceed: mustSucceed };
}
