/**
 * The consumer side of sharing: the user's own project, and the images other projects
 * shared with it, each with the project's answer (pending, accepted or rejected).
 */
import { AppError } from '../../common/errors';
import type { ImageListQuery, ImagePage } from '../../common/image';
import { memberStatuses, type SharedImage, type SharedWithMe } from '../../common/sharing';
import type { GlanceClient } from './glance';
import type { OpenStackSession } from './keystone';

/** The project the session's token is scoped to: the member whose answers are given. */
export async function ownProject(session: OpenStackSession): Promise<string> {
  const projectId = await session.projectId();
  if (projectId === null) {
    throw new AppError({
      kind: 'unsupported',
      message: 'This profile signs in without Keystone, so its project is not known.',
      details: { reason: 'project-lookup-unavailable' },
    });
  }
  return projectId;
}

/** Every page of a list query, following Glance's markers. */
async function allImages(
  glance: Pick<GlanceClient, 'listImages'>,
  query: ImageListQuery,
): Promise<ImagePage['images']> {
  const images: ImagePage['images'] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await glance.listImages({ ...query, limit: 1000, ...(marker ? { marker } : {}) });
    images.push(...page.images);
    marker = page.nextMarker;
    if (marker !== undefined && seen.has(marker)) {
      throw new AppError({
        kind: 'server',
        message: 'The image list points back to a page it already sent.',
        details: { reason: 'repeated-page' },
      });
    }
    if (marker !== undefined) seen.add(marker);
  } while (marker !== undefined);
  return images;
}

/**
 * The images shared with `projectId`, by its answer. Glance lists one answer at a time
 * (`member_status`), and lists the project's own shared images with each: those are left out.
 */
export async function sharedWithMe(
  glance: Pick<GlanceClient, 'listImages'>,
  projectId: string,
): Promise<SharedWithMe> {
  const byStatus = await Promise.all(
    memberStatuses.map(async (status) =>
      (await allImages(glance, { visibility: 'shared', member_status: status }))
        .filter((image) => image.owner !== projectId)
        .map((image): SharedImage => ({ image, status })),
    ),
  );
  return { projectId, images: byStatus.flat() };
}
