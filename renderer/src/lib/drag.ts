/** Image rows dragged onto a download-folder target carry this (HTML5 drag and drop inside the page). */
export const IMAGE_DRAG_TYPE = 'application/x-glance-desk-images';

export interface ImageDragData {
  profileId: string;
  imageIds: string[];
}

/**
 * The images a drop carries, or undefined when it carries none or something else: another
 * page or app can put any text under our type, so it is checked, never trusted.
 */
export function readImageDrag(event: DragEvent): ImageDragData | undefined {
  const raw = event.dataTransfer?.getData(IMAGE_DRAG_TYPE);
  if (!raw) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { profileId, imageIds } = data as Record<string, unknown>;
  if (typeof profileId !== 'string' || profileId === '') return undefined;
  if (!Array.isArray(imageIds) || imageIds.length === 0) return undefined;
  if (!imageIds.every((id): id is string => typeof id === 'string' && id !== '')) return undefined;
  return { profileId, imageIds };
}

export function carriesImages(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes(IMAGE_DRAG_TYPE) ?? false;
}
