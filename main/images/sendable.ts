/**
 * The check main makes itself before it sends a file, whatever the page said: a file the
 * file check refuses (a backing file, data in other files, damaged, empty, …) is never sent,
 * since Glance would refuse it only after the whole upload.
 */
import { suggestUpload } from '../../common/disk-image';
import { AppError } from '../../common/errors';
import { inspectFile } from './inspect-file';

/** Refuses with a 'file-refused' validation error a file that must not be sent. */
export async function checkSendable(path: string): Promise<void> {
  const { refuse } = suggestUpload(await inspectFile(path));
  if (refuse.length > 0) {
    throw new AppError({
      kind: 'validation',
      message: `${path} cannot be sent as an image (${refuse.join(', ')}).`,
      details: { reason: 'file-refused', path, refuse },
    });
  }
}
