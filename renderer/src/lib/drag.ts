/** Image rows dragged onto a download-folder target carry this (HTML5 drag and drop inside the page). */
export const IMAGE_DRAG_TYPE = 'application/x-glance-desk-images';

export interface ImageDragData {
  profileId: string;
  imageIds: string[];
}

export function readImageDrag(event: DragEvent): ImageDragData | undefined {
  const raw = event.dataTransfer?.getData(IMAGE_DRAG_TYPE);
  if (!raw) return undefined;
  const data = JSON.parse(raw) as ImageDragData;
  return Array.isArray(data.imageIds) && typeof data.profileId === 'string' ? data : undefined;
}

export function carriesImages(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes(IMAGE_DRAG_TYPE) ?? false;
}
