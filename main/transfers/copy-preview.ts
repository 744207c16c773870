import { copyFields, type CopyPreview, type SameDataImage } from '../../common/copy';
import { AppError } from '../../common/errors';
import type { Image, ImageListQuery, ImagePage } from '../../common/image';
import { Limiter } from '../async/limiter';
import { toAppError } from '../net/errors';

/** The Glance calls a preview makes: the source's images, and the target's list. */
export interface PreviewClients {
  source: { getImage(id: string): Promise<Image> };
  target: { listImages(query: ImageListQuery): Promise<ImagePage> };
}

/** Source images read, and target lists searched, at once. */
const lookUpConcurrency = 4;

/**
 * What copying each image to the target would do (common/copy.ts `CopyPreview`): the fields
 * it gets there, those it does not and why, and the target's images that already hold the
 * same data — found by the source's hash (Glance filters on `os_hash_value` and
 * `checksum`), then the same size. An image that cannot be copied says why, in `problem`.
 */
export async function previewCopies(
  clients: PreviewClients,
  imageIds: readonly string[],
): Promise<CopyPreview[]> {
  const limiter = new Limiter(lookUpConcurrency);
  return Promise.all(imageIds.map((id) => limiter.queue(() => previewOne(clients, id))));
}

async function previewOne(clients: PreviewClients, imageId: string): Promise<CopyPreview> {
  let image: Image;
  try {
    image = await clients.source.getImage(imageId);
  } catch (error) {
    const problem = toAppError(error).toJSON();
    return { imageId, name: null, size: null, create: {}, skipped: [], sameData: [], problem };
  }
  const { create, skipped } = copyFields(image);
  const preview: CopyPreview = {
    imageId,
    name: image.name,
    size: image.size,
    create,
    skipped,
    sameData: [],
  };
  if (image.status !== 'active' || image.size === null) {
    preview.problem = new AppError({
      kind: 'conflict',
      message: `“${image.name ?? image.id}” has no data to copy (status: ${image.status}).`,
      details: { reason: 'no-data', imageStatus: image.status },
    }).toJSON();
    return preview;
  }
  preview.sameData = await sameDataOn(clients.target, image);
  return preview;
}

/** The target's images with the same hash and size as `image` (none when it has no hash). */
async function sameDataOn(
  target: PreviewClients['target'],
  image: Image,
): Promise<SameDataImage[]> {
  const filter: Record<string, string> | null = image.os_hash_value
    ? { os_hash_value: image.os_hash_value }
    : image.checksum
      ? { checksum: image.checksum }
      : null;
  if (filter === null) return [];
  let images: Image[];
  try {
    ({ images } = await target.listImages({ properties: filter, limit: 100 }));
  } catch (error) {
    // A cloud that does not filter on the hash (an older Glance, another vendor) says so
    // with a 400: then nothing is known to be there already.
    if (toAppError(error).kind === 'bad-request') return [];
    throw error;
  }
  return images
    .filter((found) => found.size === image.size)
    .map((found) => ({ id: found.id, name: found.name, status: found.status }));
}
