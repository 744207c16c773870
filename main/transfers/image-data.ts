import { GlanceClient } from '../openstack/glance';
import type { OpenStackSession } from '../openstack/keystone';

export type { ImageDownload } from '../openstack/glance';

/**
 * The little the transfer engine needs from a cloud: the Glance client's data calls (and
 * the update that protects a copy once verified), and a way to get a fresh token before a
 * long upload (whose streamed body cannot be re-sent after a 401). The queue gets one of
 * these per profile from the composition root.
 */
export type ImageData = Pick<
  GlanceClient,
  | ('getImage' | 'createImage' | 'updateImage' | 'deleteImage' | 'openDownload' | 'uploadData')
  | ('stageData' | 'importImage' | 'listImageTasks')
> & {
  refreshToken(): Promise<void>;
};

/** The ImageData of a session and its Glance client; the token refresh signs in again. */
export function imageDataFor(
  session: OpenStackSession,
  glance = new GlanceClient(session),
): ImageData {
  return {
    getImage: (id) => glance.getImage(id),
    createImage: (fields) => glance.createImage(fields),
    updateImage: (id, ops) => glance.updateImage(id, ops),
    deleteImage: (id) => glance.deleteImage(id),
    openDownload: (id, opts) => glance.openDownload(id, opts),
    uploadData: (id, body, opts) => glance.uploadData(id, body, opts),
    stageData: (id, body, opts) => glance.stageData(id, body, opts),
    importImage: (id, call, stores) => glance.importImage(id, call, stores),
    listImageTasks: (id) => glance.listImageTasks(id),
    refreshToken: async () => {
      session.invalidate();
      await session.token();
    },
  };
}
