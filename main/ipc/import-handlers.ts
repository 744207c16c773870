/**
 * The handlers of the file check, interoperable import and stores: they check what main
 * can check itself (the path was granted, the file may be sent, the method is offered, the
 * stores exist) before the queue or the cloud is asked for anything.
 */
import type { Services } from '../app';
import { inspectFile } from '../images/inspect-file';
import { checkSendable } from '../images/sendable';
import { checkImport, checkStoreRemoval, importOptions } from '../openstack/import-options';
import type { Handlers } from './handlers';

type ImportHandlers = Pick<
  Handlers,
  'inspectFile' | 'getImportOptions' | 'startImport' | 'removeImageFromStore'
>;

export function importHandlers({ clients, transfers, pathGrants }: Services): ImportHandlers {
  const glance = (profileId: string) => clients.get(profileId).glance;
  const optionsOf = (profileId: string) => {
    const { glance, session } = clients.get(profileId);
    return importOptions(glance, () => session.otherImageRegions());
  };
  return {
    inspectFile: async ({ path }) =>
      inspectFile(pathGrants.check('upload-file', path, 'upload-file')),
    getImportOptions: ({ profileId }) => optionsOf(profileId),
    startImport: async (input) => {
      const { profileId } = input;
      let { source } = input;
      const options = await optionsOf(profileId);
      const copied =
        source.method === 'copy-image' && 'imageId' in input
          ? await glance(profileId).getImage(input.imageId)
          : undefined;
      checkImport(options, source, input, copied);
      if (source.method === 'glance-direct') {
        source = { ...source, path: pathGrants.check('upload-file', source.path, 'upload-file') };
        await checkSendable(source.path);
      }
      return transfers.enqueueImport({ ...input, source });
    },
    removeImageFromStore: async ({ profileId, imageId, store }) => {
      const client = glance(profileId);
      checkStoreRemoval(await client.getImage(imageId), store);
      await client.deleteFromStore(store, imageId);
      return client.getImage(imageId);
    },
  };
}
