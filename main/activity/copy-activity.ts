import { AppError } from '../../common/errors';
import { isFinished, type TransferProgressEvent } from '../../common/transfer';
import { failedOutcome, type ActivityLog } from './activity-log';

/**
 * Records each copy to another cloud in the target cloud's activity, when its transfer
 * ends: the image it made there (or, when it failed, the source image), and where it came
 * from. A cancelled copy left nothing there: it is not recorded. Returns the unsubscribe.
 */
export function recordCopies(
  transfers: { onChange(listener: (event: TransferProgressEvent) => void): () => void },
  activity: ActivityLog,
  cloudName: (profileId: string) => string,
): () => void {
  const recorded = new Set<string>();
  return transfers.onChange(({ transfers: changed }) => {
    for (const transfer of changed) {
      const { copy } = transfer;
      if (copy === undefined || transfer.finishedAt === undefined) continue;
      if (!isFinished(transfer) || transfer.state === 'cancelled') continue;
      const key = `${transfer.id} ${transfer.finishedAt}`;
      if (recorded.has(key)) continue;
      recorded.add(key);
      activity.record({
        profileId: copy.targetProfileId,
        profileName: cloudName(copy.targetProfileId),
        action: 'copied',
        imageId: copy.targetImageId || transfer.imageId,
        imageName: transfer.imageName,
        copiedFrom: { cloud: cloudName(transfer.profileId), imageId: transfer.imageId },
        outcome:
          transfer.state === 'done'
            ? { ok: true }
            : failedOutcome(transfer.error ?? new AppError({ kind: 'unexpected' })),
      });
    }
  });
}
