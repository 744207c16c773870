// Desktop notifications follow the queue's change events: once per finished or failed
// transfer that took long enough, never for short ones or intermediate states. The policy
// gives a code and its facts; notificationInEnglish words them.
import { describe, expect, it, vi } from 'vitest';
import type { Transfer, TransferProgressEvent } from '../../../common/transfer';
import {
  notificationInEnglish,
  notifyWhenLongTransfersEnd,
  type TransferNotification,
} from '../../../main/transfers/notifications';

function transfer(overrides: Partial<Transfer>): Transfer {
  return {
    id: 't-1',
    kind: 'download',
    profileId: 'p',
    imageId: 'i',
    imageName: 'ubuntu-24.04',
    folder: '/home/me/images',
    path: '/home/me/images/ubuntu-24.04.qcow2',
    state: 'running',
    bytesDone: 0,
    bytesTotal: 100,
    rate: 0,
    etaSeconds: null,
    attempts: 1,
    createdAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

function setUp(afterMs: number) {
  let emit: (event: TransferProgressEvent) => void = () => undefined;
  const unsubscribe = vi.fn();
  const queue = {
    onChange: (listener: (event: TransferProgressEvent) => void) => {
      emit = listener;
      return unsubscribe;
    },
  };
  const notified: TransferNotification[] = [];
  const stop = notifyWhenLongTransfersEnd(queue, (n) => notified.push(n), afterMs);
  const words = () => notified.map(notificationInEnglish);
  return {
    emit: (...transfers: Transfer[]) => emit({ transfers, removed: [] }),
    notified,
    words,
    stop,
    unsubscribe,
  };
}

const after = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, seconds)).toISOString();

describe('notifications for long transfers', () => {
  it('notifies once when a long download finishes, naming the folder and the check', () => {
    const { emit, notified, words } = setUp(10_000);
    emit(transfer({ state: 'running' }), transfer({ id: 't-2', state: 'verifying' }));
    expect(notified).toEqual([]);
    const done = transfer({
      state: 'done',
      finishedAt: after(30),
      verification: { algorithm: 'sha512', expected: 'a', actual: 'a', ok: true },
    });
    emit(done);
    emit(done);
    expect(notified).toEqual([
      {
        code: 'download-done',
        imageName: 'ubuntu-24.04',
        folder: '/home/me/images',
        verifiedWith: 'sha512',
      },
    ]);
    expect(words()).toEqual([
      {
        title: 'Download finished',
        body: 'ubuntu-24.04 was saved to /home/me/images (sha512 verified).',
      },
    ]);
  });

  it('notifies about a failure with its plain message', () => {
    const { emit, notified, words } = setUp(10_000);
    const error = { kind: 'network' as const, message: 'The connection to the cloud was dropped.' };
    emit(transfer({ kind: 'upload', state: 'failed', finishedAt: after(12), error }));
    expect(notified).toEqual([{ code: 'upload-failed', imageName: 'ubuntu-24.04', error }]);
    expect(words()).toEqual([
      { title: 'Upload failed', body: 'ubuntu-24.04: The connection to the cloud was dropped.' },
    ]);
  });

  it('stays quiet for short transfers and cancellations', () => {
    const { emit, notified } = setUp(10_000);
    emit(transfer({ state: 'done', finishedAt: after(3) }));
    emit(transfer({ id: 't-2', state: 'cancelled', finishedAt: after(60) }));
    expect(notified).toEqual([]);
  });

  it('notifies again when a retried transfer ends again', () => {
    const { emit, words } = setUp(0);
    emit(
      transfer({ state: 'failed', finishedAt: after(20), error: { kind: 'server', message: 'x' } }),
    );
    emit(transfer({ state: 'done', finishedAt: after(40) }));
    expect(words().map(({ title }) => title)).toEqual(['Download failed', 'Download finished']);
  });

  it('names the image by id when it has no name, and says nothing of a check that failed', () => {
    const { emit, notified, words } = setUp(0);
    emit(
      transfer({
        kind: 'upload',
        imageName: '',
        state: 'done',
        finishedAt: after(5),
        verification: { algorithm: 'md5', expected: 'a', actual: 'b', ok: false },
      }),
      transfer({ id: 't-2', state: 'failed', finishedAt: after(6) }),
    );
    expect(notified).toEqual([
      { code: 'upload-done', imageName: 'i' },
      { code: 'download-failed', imageName: 'ubuntu-24.04' },
    ]);
    expect(words()).toEqual([
      { title: 'Upload finished', body: 'i was uploaded.' },
      { title: 'Download failed', body: 'ubuntu-24.04: the transfer failed.' },
    ]);
  });

  it('returns the unsubscribe of the queue', () => {
    const { stop, unsubscribe } = setUp(0);
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});
