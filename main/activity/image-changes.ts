/**
 * The image changes the user makes through the handlers, each recorded in the activity log
 * with its outcome: created, edited (with the patch), deleted, (de)activated, shared with a
 * project or no longer, a share accepted, rejected or put back to pending. Uploads and imports are recorded when their transfer ends (recordUploads). Where the change's
 * answer does not name the image, it is read first, so the log says which image it was.
 */
import type { ActivityAction } from '../../common/activity';
import { AppError } from '../../common/errors';
import type { Image, ImageCreate, ImageMember, PatchOperation } from '../../common/image';
import { isFinished, type TransferKind, type TransferProgressEvent } from '../../common/transfer';
import type { GlanceClient } from '../openstack/glance';
import { failedOutcome, type ActivityLog } from './activity-log';

type ChangingCalls = Pick<
  GlanceClient,
  | 'getImage'
  | 'createImage'
  | 'updateImage'
  | 'deleteImage'
  | 'deactivateImage'
  | 'reactivateImage'
  | 'addMember'
  | 'removeMember'
  | 'updateMemberStatus'
>;

export interface CloudRef {
  id: string;
  name: string;
}

export interface ImageChanges {
  createImage(fields: ImageCreate): Promise<Image>;
  updateImage(imageId: string, ops: PatchOperation[]): Promise<Image>;
  deleteImage(imageId: string): Promise<void>;
  setActive(imageId: string, active: boolean): Promise<void>;
  addMember(imageId: string, project: string): Promise<ImageMember>;
  removeMember(imageId: string, project: string): Promise<void>;
  /** The member project's answer to a share: `project` is the user's own. */
  setMemberStatus(
    imageId: string,
    project: string,
    status: ImageMember['status'],
  ): Promise<ImageMember>;
}

interface Change {
  action: ActivityAction;
  imageId: string;
  imageName: string;
  patch?: PatchOperation[];
  project?: string;
}

export function recordedChanges(
  glance: ChangingCalls,
  activity: ActivityLog,
  cloud: CloudRef,
): ImageChanges {
  const record = async <T>(
    change: Change,
    run: () => Promise<T>,
    answered?: (result: T) => Image,
  ): Promise<T> => {
    const base = { profileId: cloud.id, profileName: cloud.name, ...change };
    try {
      const result = await run();
      const image = answered?.(result);
      activity.record({
        ...base,
        ...(image === undefined ? {} : { imageId: image.id, imageName: image.name ?? '' }),
        outcome: { ok: true },
      });
      return result;
    } catch (error) {
      activity.record({ ...base, outcome: failedOutcome(error) });
      throw error;
    }
  };
  /** The image's name before the change; '' when it cannot be read (the change will say why). */
  const nameOf = (imageId: string) =>
    glance.getImage(imageId).then(
      (image) => image.name ?? '',
      () => '',
    );
  const same = (image: Image) => image;

  return {
    createImage: (fields) =>
      record(
        { action: 'created', imageId: fields.id ?? '', imageName: fields.name ?? '' },
        () => glance.createImage(fields),
        same,
      ),
    updateImage: (imageId, ops) =>
      record(
        { action: 'edited', imageId, imageName: '', patch: ops },
        () => glance.updateImage(imageId, ops),
        same,
      ),
    deleteImage: async (imageId) =>
      record({ action: 'deleted', imageId, imageName: await nameOf(imageId) }, () =>
        glance.deleteImage(imageId),
      ),
    setActive: async (imageId, active) =>
      record(
        {
          action: active ? 'reactivated' : 'deactivated',
          imageId,
          imageName: await nameOf(imageId),
        },
        () => (active ? glance.reactivateImage(imageId) : glance.deactivateImage(imageId)),
      ),
    addMember: async (imageId, project) =>
      record({ action: 'member-added', imageId, imageName: await nameOf(imageId), project }, () =>
        glance.addMember(imageId, project),
      ),
    removeMember: async (imageId, project) =>
      record({ action: 'member-removed', imageId, imageName: await nameOf(imageId), project }, () =>
        glance.removeMember(imageId, project),
      ),
    setMemberStatus: async (imageId, project, status) =>
      record(
        { action: `share-${status}`, imageId, imageName: await nameOf(imageId), project },
        () => glance.updateMemberStatus(imageId, project, status),
      ),
  };
}

/** The transfers that change a cloud's images, and how the log names them. */
const recordedAs: Partial<Record<TransferKind, ActivityAction>> = {
  upload: 'uploaded',
  import: 'imported',
};

/**
 * Records each upload and import when its transfer ends (done, failed or cancelled), from
 * the queue's change events. Returns the unsubscribe.
 */
export function recordUploads(
  transfers: { onChange(listener: (event: TransferProgressEvent) => void): () => void },
  activity: ActivityLog,
  cloudName: (profileId: string) => string,
): () => void {
  const recorded = new Set<string>();
  return transfers.onChange(({ transfers: changed }) => {
    for (const transfer of changed) {
      const action = recordedAs[transfer.kind];
      if (action === undefined || transfer.finishedAt === undefined) continue;
      if (!isFinished(transfer)) continue;
      const key = `${transfer.id} ${transfer.finishedAt}`;
      if (recorded.has(key)) continue;
      recorded.add(key);
      activity.record({
        profileId: transfer.profileId,
        profileName: cloudName(transfer.profileId),
        action,
        imageId: transfer.imageId,
        imageName: transfer.imageName,
        outcome:
          transfer.state === 'done'
            ? { ok: true }
            : failedOutcome(transfer.error ?? new AppError({ kind: 'cancelled' })),
      });
    }
  });
}
