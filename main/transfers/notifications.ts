/**
 * When a transfer earns a desktop notification: when it ends (done or failed) after running
 * a while, once per ending. The policy says what happened as a code with its facts;
 * `notificationText` words it in the app's language (main/i18n.ts).
 */
import type { AppErrorData } from '../../common/errors';
import type { ImportMethod } from '../../common/import';
import type { Transfer, TransferProgressEvent } from '../../common/transfer';
import type { Words } from '../i18n';

export type TransferNotification =
  | {
      code: 'download-done';
      imageName: string;
      folder: string;
      /** The hash that checked the data, e.g. 'sha512'; absent when none could. */
      verifiedWith?: string;
    }
  | { code: 'upload-done' | 'copy-done'; imageName: string; verifiedWith?: string }
  /** The cloud imported the data; `verifiedWith`: a staged file (glance-direct) was checked. */
  | { code: 'import-done'; imageName: string; method: ImportMethod; verifiedWith?: string }
  | {
      code: 'download-failed' | 'upload-failed' | 'copy-failed' | 'import-failed';
      imageName: string;
      error?: AppErrorData;
    };

/** The notification for a transfer that has just ended, or undefined for one that gets none. */
export function notificationFor(transfer: Transfer): TransferNotification | undefined {
  const imageName = transfer.imageName || transfer.imageId;
  if (transfer.state === 'failed') {
    const code = `${transfer.kind}-failed` as const;
    return transfer.error === undefined
      ? { code, imageName }
      : { code, imageName, error: transfer.error };
  }
  if (transfer.state !== 'done') return undefined;
  const verified = transfer.verification?.ok
    ? { verifiedWith: transfer.verification.algorithm }
    : {};
  if (transfer.kind === 'download') {
    return { code: 'download-done', imageName, folder: transfer.folder, ...verified };
  }
  if (transfer.kind === 'import' && transfer.import !== undefined) {
    return { code: 'import-done', imageName, method: transfer.import.method, ...verified };
  }
  return { code: transfer.kind === 'copy' ? 'copy-done' : 'upload-done', imageName, ...verified };
}

/**
 * Calls `notify` for each transfer that ends after running at least `afterMs`, from the
 * queue's change events. Returns the unsubscribe.
 */
export function notifyWhenLongTransfersEnd(
  transfers: { onChange(listener: (event: TransferProgressEvent) => void): () => void },
  notify: (notification: TransferNotification) => void,
  afterMs: number,
): () => void {
  const notified = new Set<string>();
  return transfers.onChange(({ transfers: changed }) => {
    for (const transfer of changed) {
      if (transfer.finishedAt === undefined) continue;
      const notification = notificationFor(transfer);
      if (notification === undefined) continue;
      const key = `${transfer.id} ${transfer.finishedAt}`;
      if (notified.has(key)) continue;
      if (Date.parse(transfer.finishedAt) - Date.parse(transfer.createdAt) < afterMs) continue;
      notified.add(key);
      notify(notification);
    }
  });
}

/** The title and body of a notification, in the language of `words`. */
export function notificationText(
  notification: TransferNotification,
  { say, error }: Words,
): { title: string; body: string } {
  const title = say(`notification.${notification.code}`);
  const name = notification.imageName;
  switch (notification.code) {
    case 'download-done': {
      const { folder, verifiedWith: algorithm } = notification;
      const body =
        algorithm === undefined
          ? say('notification.saved', { name, folder })
          : say('notification.savedVerified', { name, folder, algorithm });
      return { title, body };
    }
    case 'upload-done': {
      const algorithm = notification.verifiedWith;
      const body =
        algorithm === undefined
          ? say('notification.uploaded', { name })
          : say('notification.uploadedVerified', { name, algorithm });
      return { title, body };
    }
    case 'copy-done': {
      const algorithm = notification.verifiedWith;
      const body =
        algorithm === undefined
          ? say('notification.copied', { name })
          : say('notification.copiedVerified', { name, algorithm });
      return { title, body };
    }
    case 'import-done': {
      const { method, verifiedWith: algorithm } = notification;
      const body =
        algorithm === undefined
          ? say('notification.imported', { name, method })
          : say('notification.importedVerified', { name, method, algorithm });
      return { title, body };
    }
    case 'download-failed':
    case 'upload-failed':
    case 'copy-failed':
    case 'import-failed': {
      const reason =
        notification.error === undefined ? say('error.unexpected') : error(notification.error);
      return { title, body: say('notification.failed', { name, reason }) };
    }
  }
}
