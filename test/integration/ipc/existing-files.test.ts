// When a download's file is already in the folder, through `dispatch` against the real
// Glance: the settings' default (ask) leaves the choice to the user, and each answer —
// resume the unfinished .part, replace the file, keep both, skip — does what it says.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { TransferProgressEvent } from '../../../common/transfer';
import { uploadImage } from '../../testbed/seed';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from './harness';

const bed = inject('testbed');
const name = `existing-${randomUUID().slice(0, 8)}`;
const fileName = `${name}.raw`;
const MiB = 1024 * 1024;
const content = randomBytes(24 * MiB);
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('hex');

let main: TestMain;
let profileId: string;
let imageId: string;
let folder: string;

beforeAll(async () => {
  main = await startTestMain();
  profileId = (await main.value('saveProfile', { profile: passwordProfile(bed, bed.member) })).id;
  ({ id: imageId } = await uploadImage(bed, bed.member, { name, bytes: content }));
});

afterAll(async () => {
  await main?.close();
});

beforeEach(async () => {
  folder = tempFolder('existing');
  await main.pick('folder', folder);
});

/** Downloads the image into the folder and waits for the transfer to end. */
async function downloadOnce(existing?: string) {
  const started = await main.value('startDownloads', {
    profileId,
    imageIds: [imageId],
    folder,
    ...(existing === undefined ? {} : { existing }),
  });
  const ended = await Promise.all(started.transfers.map((t) => waitForTransfer(main, t.id)));
  return { ...started, ended };
}

describe('a download whose file is already in the folder', () => {
  it('is asked about by default, and nothing is queued or written', async () => {
    const first = await downloadOnce();
    expect(first.ended.map((t) => t.state)).toEqual(['done']);
    const before = main.services.transfers.list().length;

    const second = await downloadOnce();
    expect(second.transfers).toEqual([]);
    expect(second.skipped).toEqual([]);
    expect(second.existing).toEqual([
      { imageId, imageName: name, fileName, file: true, partBytes: null },
    ]);
    expect(main.services.transfers.list()).toHaveLength(before);
    expect(await readdir(folder)).toEqual([fileName]);
    // Resume has nothing to resume: it is asked about just the same.
    expect((await downloadOnce('resume')).existing).toHaveLength(1);
  });

  it('keep both: the new file gets a numbered name, the old one is left alone', async () => {
    await downloadOnce();
    await writeFile(join(folder, fileName), 'mine');
    const both = await downloadOnce('keep-both');
    expect(both.ended).toMatchObject([{ state: 'done', path: join(folder, `${name} (2).raw`) }]);
    expect(await readFile(join(folder, fileName), 'utf8')).toBe('mine');
    expect(sha512(await readFile(join(folder, `${name} (2).raw`)))).toBe(sha512(content));
  });

  it('replace: the file is replaced once the download is verified, and nothing else is left', async () => {
    await writeFile(join(folder, fileName), 'an older download');
    const replaced = await downloadOnce('overwrite');
    expect(replaced.ended).toMatchObject([
      { state: 'done', path: join(folder, fileName), verification: { ok: true } },
    ]);
    expect(sha512(await readFile(join(folder, fileName)))).toBe(sha512(content));
    expect(await readdir(folder)).toEqual([fileName]);
  });

  it('skip: nothing is queued, and the image is said to be skipped', async () => {
    await writeFile(join(folder, fileName), 'mine');
    const skipped = await downloadOnce('skip');
    expect(skipped).toMatchObject({ transfers: [], existing: [], skipped: [imageId] });
    expect(await readFile(join(folder, fileName), 'utf8')).toBe('mine');
  });

  it('takes the settings’ choice when the request makes none', async () => {
    await writeFile(join(folder, fileName), 'mine');
    await main.value('updateSettings', { existingFile: 'skip' });
    try {
      expect(await downloadOnce()).toMatchObject({ transfers: [], skipped: [imageId] });
    } finally {
      await main.value('updateSettings', { existingFile: 'ask' });
    }
  });

  it('resume: an unfinished .part left in the folder is taken up where it ends', async () => {
    await writeFile(join(folder, `${fileName}.part`), content.subarray(0, 10 * MiB));
    const asked = await downloadOnce();
    expect(asked.existing).toEqual([
      { imageId, imageName: name, fileName, file: false, partBytes: 10 * MiB },
    ]);

    const firstProgress = new Map<string, number>();
    const stop = main.services.transfers.onChange(({ transfers }: TransferProgressEvent) => {
      for (const t of transfers) {
        if (t.bytesDone > 0 && !firstProgress.has(t.id)) firstProgress.set(t.id, t.bytesDone);
      }
    });
    try {
      const resumed = await downloadOnce('resume');
      const [done] = resumed.ended;
      expect(done).toMatchObject({ state: 'done', path: join(folder, fileName) });
      expect(firstProgress.get(done?.id ?? '')).toBeGreaterThanOrEqual(10 * MiB);
      expect(sha512(await readFile(join(folder, fileName)))).toBe(sha512(content));
    } finally {
      stop();
    }
  });

  it('resume: a paused download of the same file is resumed, not started again', async () => {
    await main.value('updateSettings', { downloadLimitMBps: 2 });
    try {
      const { transfers } = await main.value('startDownloads', {
        profileId,
        imageIds: [imageId],
        folder,
      });
      const id = transfers[0]?.id ?? '';
      await new Promise<void>((resolve) => {
        const stop = main.services.transfers.onChange(() => {
          if (main.services.transfers.get(id).bytesDone < 2 * MiB) return;
          stop();
          resolve();
        });
      });
      await main.value('controlTransfer', { id, action: 'pause' });
      const asked = await downloadOnce();
      expect(asked.existing).toMatchObject([{ fileName, file: false }]);
      expect(asked.existing[0]?.partBytes).toBeGreaterThan(0);

      await main.value('updateSettings', { downloadLimitMBps: null });
      const resumed = await downloadOnce('resume');
      expect(resumed.transfers.map((t) => t.id)).toEqual([id]);
      expect(resumed.ended).toMatchObject([{ id, state: 'done', verification: { ok: true } }]);
      expect(await readdir(folder)).toEqual([fileName]);
    } finally {
      await main.value('updateSettings', { downloadLimitMBps: null });
    }
  });

  it('refuses an answer that is not one of the choices', async () => {
    const refused = await main.call('startDownloads', {
      profileId,
      imageIds: [imageId],
      folder,
      existing: 'ask',
    });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });
});
