import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import type { Transfer, TransferProgressEvent } from '../../../common/transfer';
import { ActivityLog } from '../../../main/activity/activity-log';
import { recordUploads } from '../../../main/activity/image-changes';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glance-desk-uploads-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const upload: Transfer = {
  id: 'u1',
  kind: 'upload',
  profileId: 'p1',
  imageId: 'i1',
  imageName: 'disk',
  folder: '/tmp',
  path: '/tmp/disk.qcow2',
  state: 'running',
  bytesDone: 0,
  bytesTotal: 100,
  rate: 0,
  etaSeconds: null,
  attempts: 1,
  createdAt: '2026-03-04T05:06:07.000Z',
};

describe('recordUploads', () => {
  it('records each upload and import once when it ends, with its outcome; downloads are not changes', async () => {
    const listeners: ((event: TransferProgressEvent) => void)[] = [];
    const queue = {
      onChange(listener: (event: TransferProgressEvent) => void) {
        listeners.push(listener);
        return () => undefined;
      },
    };
    const emit = (...transfers: Transfer[]) =>
      listeners.forEach((l) => l({ transfers, removed: [] }));
    const activity = await ActivityLog.open({ dataDir });
    recordUploads(queue, activity, (id) => (id === 'p1' ? 'Prod' : ''));

    emit(upload);
    const done = { ...upload, state: 'done' as const, finishedAt: '2026-03-04T05:07:00.000Z' };
    emit(done);
    emit(done);
    emit({ ...upload, id: 'd1', kind: 'download', state: 'done', finishedAt: done.finishedAt });
    const quota = new AppError({ kind: 'bad-request', status: 413, requestId: 'req-7' });
    emit({
      ...upload,
      id: 'u2',
      imageId: 'i2',
      state: 'failed',
      error: quota.toJSON(),
      finishedAt: done.finishedAt,
    });
    emit({ ...upload, id: 'u3', imageId: 'i3', state: 'cancelled', finishedAt: done.finishedAt });
    // An import (glance-direct, copy-image) changes the image too: recorded as imported.
    emit({ ...done, id: 'm1', kind: 'import', imageId: 'i4' });

    expect(
      activity.list().map(({ imageId, action, profileName, outcome }) => ({
        imageId,
        action,
        profileName,
        outcome,
      })),
    ).toEqual([
      { imageId: 'i4', action: 'imported', profileName: 'Prod', outcome: { ok: true } },
      {
        imageId: 'i3',
        action: 'uploaded',
        profileName: 'Prod',
        outcome: { ok: false, kind: 'cancelled' },
      },
      {
        imageId: 'i2',
        action: 'uploaded',
        profileName: 'Prod',
        outcome: { ok: false, kind: 'bad-request', status: 413, requestId: 'req-7' },
      },
      { imageId: 'i1', action: 'uploaded', profileName: 'Prod', outcome: { ok: true } },
    ]);
    await activity.flush();
  });
});
