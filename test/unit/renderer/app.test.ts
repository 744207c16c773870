import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Envelope } from '../../../common/contract';
import type { AppErrorData } from '../../../common/errors';
import type { Image } from '../../../common/image';
import { setLocale } from '../../../renderer/src/i18n/index.svelte';
import type { Transfer } from '../../../common/transfer';
import { app, bytesLostBy, importState } from '../../../renderer/src/lib/app.svelte';

function image(status: string, properties: Record<string, string> = {}): Image {
  return { id: 'img-1', name: 'web image', status, properties, tags: [] } as unknown as Image;
}

// window.api.getImage answers from `answers`, one per call (the last one repeats).
let answers: Envelope<Image>[];
let calls: number;

beforeEach(() => {
  calls = 0;
  const g = globalThis as unknown as Record<string, unknown>;
  g.document = { documentElement: {} };
  g.window = {
    api: { getImage: async () => answers[Math.min(calls++, answers.length - 1)] },
  };
  setLocale('en');
  app.toasts = [];
});

afterEach(() => {
  const g = globalThis as unknown as Record<string, unknown>;
  delete g.window;
  delete g.document;
});

const ok = (value: Image): Envelope<Image> => ({ ok: true, value });
const quick = [0, 0, 0, 0];

describe('importState', () => {
  test.each([
    ['active', {}, 'done'],
    ['killed', {}, 'failed'],
    ['queued', { os_glance_failed_import: 'local' }, 'failed'],
    ['queued', { os_glance_failed_import: '' }, 'pending'],
    ['queued', {}, 'pending'],
    ['importing', { os_glance_importing_to_stores: 'local' }, 'pending'],
  ] as const)('%s with %o is %s', (status, properties, state) => {
    expect(importState(image(status, properties))).toBe(state);
  });
});

describe('app.watchImport', () => {
  test('looks until the image is active, passes each state on, and says it is done', async () => {
    answers = [ok(image('importing')), ok(image('importing')), ok(image('active'))];
    const seen: string[] = [];
    const outcome = await app.watchImport('p1', 'img-1', (i) => seen.push(i.status), quick);
    expect(outcome).toBe('done');
    expect(seen).toEqual(['importing', 'importing', 'active']);
    expect(app.toasts.map((t) => [t.kind, t.text])).toEqual([
      ['ok', 'Imported “web image”: its data is in the cloud.'],
    ]);
  });

  test('says so when the import failed', async () => {
    answers = [ok(image('queued', { os_glance_failed_import: 'local' }))];
    expect(await app.watchImport('p1', 'img-1', () => undefined, quick)).toBe('failed');
    expect(app.toasts[0]?.kind).toBe('error');
    expect(app.toasts[0]?.text).toMatch(
      /could not import “web image” from the URL \(status: queued\)/,
    );
  });

  test('gives up after the last look with a plain note', async () => {
    answers = [ok(image('importing'))];
    expect(await app.watchImport('p1', 'img-1', () => undefined, quick)).toBe('unknown');
    expect(calls).toBe(quick.length);
    expect(app.toasts.map((t) => [t.kind, t.text])).toEqual([
      [
        'info',
        'The cloud is still importing “web image”. Refresh the list later to see whether it finished.',
      ],
    ]);
  });

  test('stops and says why when the image cannot be read', async () => {
    const error: AppErrorData = { kind: 'not-found', message: 'Image img-1 is gone.' };
    answers = [{ ok: false, error }];
    expect(await app.watchImport('p1', 'img-1', () => undefined, quick)).toBe('unknown');
    expect(calls).toBe(1);
    expect(app.toasts[0]?.text).toBe(
      'Could not check the import of “img-1”: It no longer exists on the cloud, or you cannot see it.',
    );
  });
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

  const transfer = (id: string, state: Transfer['state']) =>
    ({ id, kind: 'download', imageId: 'img-1', imageName: 'disk', state }) as Transfer;

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
