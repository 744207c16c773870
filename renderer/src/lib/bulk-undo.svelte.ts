/**
 * The last bulk edit, ready to be undone: the inverse patches of the images it changed, on
 * the cloud it was made on. Kept for this session until it is undone or another bulk edit
 * replaces it.
 */
import type { ImagePatch } from '../../../common/bulk-edit';

export interface LastBulkEdit {
  profileId: string;
  patches: ImagePatch[];
  /** The images' names, for the preview. */
  names: Record<string, string>;
}

export const bulkUndo = $state<{ last?: LastBulkEdit }>({});
