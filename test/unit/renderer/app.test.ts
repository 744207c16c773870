import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AppErrorData } from '../../../common/errors';
import { setLocale } from '../../../renderer/src/i18n/index.svelte';
import type { Transfer } from '../../../common/transfer';
import { app, bytesLostBy } from '../../../renderer/src/lib/app.svelte';

beforeEach(() => {
  const g = globalThis as unknown as Record<string, unknown>;
  g.document = { documentElement: {} };
  g.window = { api: {} };
  setLocale('en');
  app.toasts = [];
});

afterEach(() => {
  const g = globalThis as unknown as Record<string, unknown>;
  delete g.window;
  delete g.document;
});

describe('following the transfer list', () => {
  test('says so when main pauses a download on a full disk, not when the user pauses it', () => {
    const running = {
      id: 'tr-1',
      kind: 'download',
      imageId: 'img-1',
      imageName: 'disk',
      state: 'running',
      bytesDone: 5000,
    } as Transfer;
    const full: AppErrorData = {
      kind: 'filesystem',
      message: 'main',
      details: { reason: 'disk-full', path: '/data/disk.raw', quota: false, bytesNeeded: 2048 },
    };
    app.transfers = [running, { ...running, id: 'tr-2' }];
    app.followTransfers({
      transfers: [
        { ...running, state: 'paused', error: full },
        { ...running, id: 'tr-2', state: 'paused' },
      ],
      removed: [],
    });
    expect(app.toasts.map((t) => [t.kind, t.text])).toEqual([
      [
        'error',
        '“disk”: The disk is full: /data/disk.raw needs 2 kB more. The download is paused and keeps what it has; free some space, then resume it.',
      ],
    ]);
    // no news: no toast
    app.followTransfers({ transfers: [{ ...running, state: 'paused', error: full }], removed: [] });
    expect(app.toasts).toHaveLength(1);
  });

  test('says when an import the cloud ran is done, or why it failed', () => {
    const importing = {
      id: 'tr-9',
      kind: 'import',
      imageId: 'img-9',
      imageName: 'web image',
      state: 'importing',
    } as Transfer;
    const failed: AppErrorData = {
      kind: 'server',
      message: 'main',
      details: {
        reason: 'import-failed',
        method: 'web-download',
        failed: ['local'],
        imageStatus: 'queued',
        taskMessage: 'Task failed due to Internal Error',
      },
    };
    app.transfers = [importing, { ...importing, id: 'tr-10', imageName: 'other' }];
    app.followTransfers({
      transfers: [
        { ...importing, state: 'done' },
        { ...importing, id: 'tr-10', imageName: 'other', state: 'failed', error: failed },
      ],
      removed: [],
    });
    expect(app.toasts.map((t) => [t.kind, t.text])).toEqual([
      ['ok', 'Imported “web image”: its data is in the cloud.'],
      [
        'error',
        '“other” failed. The cloud could not import the image (web-download) into “local”: its import task says “Task failed due to Internal Error”. The image is now “queued”.',
      ],
    ]);
  });

  const transfer = (id: string, state: Transfer['state']) =>
    ({ id, kind: 'download', imageId: 'img-1', imageName: 'disk', state }) as Transfer;

  test('tells those listening of each transfer as it ends, once, until they stop', () => {
    const heard: string[] = [];
    const stop = app.onTransferFinished((tr) => heard.push(`${tr.id} ${tr.state}`));
    app.transfers = [transfer('tr-1', 'importing'), transfer('tr-2', 'running')];
    app.followTransfers({
      transfers: [transfer('tr-1', 'done'), transfer('tr-2', 'verifying')],
      removed: [],
    });
    app.followTransfers({
      transfers: [transfer('tr-1', 'done'), transfer('tr-2', 'cancelled')],
      removed: [],
    });
    stop();
    app.followTransfers({ transfers: [transfer('tr-1', 'queued')], removed: [] });
    app.followTransfers({ transfers: [transfer('tr-1', 'failed')], removed: [] });
    expect(heard).toEqual(['tr-1 done', 'tr-2 cancelled']);
  });

  test('adds, updates and removes transfers as main’s events say', () => {
    app.transfers = [transfer('tr-1', 'done'), transfer('tr-2', 'running')];
    app.followTransfers({
      transfers: [transfer('tr-2', 'paused'), transfer('tr-3', 'queued')],
      removed: ['tr-1', 'tr-unknown'],
    });
    expect(app.transfers.map((tr) => [tr.id, tr.state])).toEqual([
      ['tr-2', 'paused'],
      ['tr-3', 'queued'],
    ]);
  });

  test('shows what a start call answered only where no event was faster', () => {
    app.transfers = [transfer('tr-1', 'running')];
    app.mergeTransfers([transfer('tr-1', 'queued'), transfer('tr-2', 'queued')]);
    expect(app.transfers.map((tr) => [tr.id, tr.state])).toEqual([
      ['tr-1', 'running'],
      ['tr-2', 'queued'],
    ]);
  });
});

describe('bytesLostBy', () => {
  const download = (state: Transfer['state'], extra: Partial<Transfer> = {}) =>
    ({ kind: 'download', state, bytesDone: 5000, ...extra }) as Transfer;

  test('cancelling a download with data loses it; a finished or empty one loses nothing', () => {
    expect(bytesLostBy(download('running'), 'cancel')).toBe(5000);
    expect(bytesLostBy(download('paused'), 'cancel')).toBe(5000);
    // A full disk pauses the download with its .part kept: cancelling it loses that.
    const full: AppErrorData = {
      kind: 'filesystem',
      message: 'full',
      details: { reason: 'disk-full', path: '/data/disk.raw', quota: false },
    };
    expect(bytesLostBy(download('paused', { error: full }), 'cancel')).toBe(5000);
    expect(bytesLostBy(download('done'), 'cancel')).toBe(0);
    expect(bytesLostBy(download('running', { bytesDone: 0 }), 'cancel')).toBe(0);
    expect(bytesLostBy(download('running', { kind: 'upload' }), 'cancel')).toBe(0);
    expect(bytesLostBy(download('running'), 'pause')).toBe(0);
  });

  test('removing a failed download loses its .part, unless main deleted it already', () => {
    expect(bytesLostBy(download('failed'), 'remove')).toBe(5000);
    expect(bytesLostBy(download('done'), 'remove')).toBe(0);
    expect(bytesLostBy(download('cancelled'), 'remove')).toBe(0);
    const integrity = { kind: 'integrity', message: 'bad data' } as const;
    expect(bytesLostBy(download('failed', { error: integrity }), 'remove')).toBe(0);
    const network = { kind: 'network', message: 'cut' } as const;
    expect(bytesLostBy(download('failed', { error: network }), 'remove')).toBe(5000);
  });
});
