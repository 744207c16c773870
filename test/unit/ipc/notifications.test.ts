// Desktop notifications follow the queue's change events: once per finished or failed
// transfer that took long enough, never for short ones or intermediate states.
import { describe, expect, it, vi } from 'vitest';
import type { Transfer, TransferProgressEvent } from '../../../common/transfer';
import { notifyWhenLongTransfersEnd, type OsAdapter } from '../../../main/app';

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
  const notify = vi.fn();
  const os = { notify } as unknown as OsAdapter;
  const stop = notifyWhenLongTransfersEnd(queue, os, afterMs);
  return { emit: (...transfers: Transfer[]) => emit({ transfers }), notify, stop, unsubscribe };
}

const after = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, seconds)).toISOString();

describe('notifications for long transfers', () => {
  it('notifies once when a long download finishes, naming the folder and the check', () => {
    const { emit, notify } = setUp(10_000);
    emit(transfer({ state: 'running' }), transfer({ id: 't-2', state: 'verifying' }));
    expect(notify).not.toHaveBeenCalled();
    const done = transfer({
      state: 'done',
      finishedAt: after(30),
      verification: { algorithm: 'sha512', expected: 'a', actual: 'a', ok: true },
    });
    emit(done);
    emit(done);
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify).toHaveBeenCalledWith(
      'Download finished',
      'ubuntu-24.04 was saved to /home/me/images (sha512 verified).',
    );
  });

  it('notifies about a failure with its plain message', () => {
    const { emit, notify } = setUp(10_000);
    emit(
      transfer({
        kind: 'upload',
        state: 'failed',
        finishedAt: after(12),
        error: { kind: 'network', message: 'The connection to the cloud was dropped.' },
      }),
    );
    expect(notify).toHaveBeenCalledWith(
      'Upload failed',
      'ubuntu-24.04: The connection to the cloud was dropped.',
    );
  });

  it('stays quiet for short transfers and cancellations', () => {
    const { emit, notify } = setUp(10_000);
    emit(transfer({ state: 'done', finishedAt: after(3) }));
    emit(transfer({ id: 't-2', state: 'cancelled', finishedAt: after(60) }));
    expect(notify).not.toHaveBeenCalled();
  });

  it('notifies again when a retried transfer ends again', () => {
    const { emit, notify } = setUp(0);
    emit(
      transfer({ state: 'failed', finishedAt: after(20), error: { kind: 'server', message: 'x' } }),
    );
    emit(transfer({ state: 'done', finishedAt: after(40) }));
    expect(notify.mock.calls.map(([title]) => title)).toEqual([
      'Download failed',
      'Download finished',
    ]);
  });

  it('returns the unsubscribe of the queue', () => {
    const { stop, unsubscribe } = setUp(0);
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});
