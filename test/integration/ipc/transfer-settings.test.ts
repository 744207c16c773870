// The transfer settings reach the running queue through `dispatch`, against the real
// Glance: transfers at once (changed while transfers wait), the shared download limit, and
// a profile's own connections per download.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Transfer } from '../../../common/transfer';
import { uploadImage } from '../../testbed/seed';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from './harness';

const bed = inject('testbed');
const MiB = 1024 * 1024;
const runId = randomUUID().slice(0, 8);

let main: TestMain;
let profileId: string;
const images: string[] = [];

beforeAll(async () => {
  main = await startTestMain();
  profileId = (await main.value('saveProfile', { profile: passwordProfile(bed, bed.member) })).id;
  for (const n of [1, 2]) {
    const image = await uploadImage(bed, bed.member, {
      name: `settings-${runId}-${n}`,
      bytes: randomBytes(6 * MiB),
    });
    images.push(image.id);
  }
});

afterAll(async () => {
  await main?.close();
});

/** Resolves once `ids` are in states that `done` accepts (checked on every event). */
function until(ids: string[], done: (transfers: Transfer[]) => boolean): Promise<void> {
  const { transfers } = main.services;
  return new Promise((resolve) => {
    const check = () => {
      if (!done(ids.map((id) => transfers.get(id)))) return;
      stop();
      resolve();
    };
    const stop = transfers.onChange(check);
    check();
  });
}

describe('transfer settings', () => {
  it('runs as many at once as the settings say, and follows a change at once', async () => {
    const folder = tempFolder('settings');
    await main.pick('folder', folder);
    // Slow enough that the first download is still running when the setting changes.
    await main.value('updateSettings', { transfersAtOnce: 1, downloadLimitMBps: 1 });
    try {
      const { transfers } = await main.value('startDownloads', {
        profileId,
        imageIds: images,
        folder,
      });
      const ids = transfers.map((t) => t.id);
      await until(ids, ([first]) => (first?.bytesDone ?? 0) > 0);
      expect(ids.map((id) => main.services.transfers.get(id).state)).toEqual(['running', 'queued']);
      await main.value('updateSettings', { transfersAtOnce: 2 });
      await until(ids, (all) => all.every((t) => t.state === 'running'));
      await main.value('updateSettings', { downloadLimitMBps: null });
      const ended = await Promise.all(ids.map((id) => waitForTransfer(main, id)));
      expect(ended.map((t) => t.state)).toEqual(['done', 'done']);
    } finally {
      await main.value('updateSettings', { transfersAtOnce: 2, downloadLimitMBps: null });
    }
  });

  it('takes a profile’s own connections per download over the settings’', async () => {
    const big = await uploadImage(bed, bed.member, {
      name: `settings-${runId}-big`,
      bytes: randomBytes(70 * MiB),
    });
    const folder = tempFolder('connections');
    await main.pick('folder', folder);
    const own = await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, {
        name: 'two connections',
        connectionsPerDownload: 2,
      }),
    });
    for (const [profile, count] of [
      [profileId, 4],
      [own.id, 2],
    ] as const) {
      const { transfers } = await main.value('startDownloads', {
        profileId: profile,
        imageIds: [big.id],
        folder,
        existing: 'keep-both',
      });
      const done = await waitForTransfer(main, transfers[0]?.id ?? '');
      expect(done).toMatchObject({ state: 'done', connections: { count } });
    }
  });
});
