import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../common/activity';
import { AppError } from '../../../common/errors';
import {
  ActivityLog,
  activityFileName,
  failedOutcome,
  type NewActivity,
} from '../../../main/activity/activity-log';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'glance-desk-activity-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const change = (index: number, profileId = 'cloud-a'): NewActivity => ({
  profileId,
  profileName: profileId === 'cloud-a' ? 'Cloud A' : 'Cloud B',
  action: 'deleted',
  imageId: `image-${index}`,
  imageName: `image ${index}`,
  outcome: { ok: true },
});

async function fileEntries(): Promise<ActivityEntry[]> {
  const text = await readFile(join(dataDir, activityFileName), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ActivityEntry);
}

describe('ActivityLog', () => {
  it('appends entries with the time, keeps them across a restart, lists newest first', async () => {
    const now = new Date('2026-03-04T05:06:07.000Z');
    const log = await ActivityLog.open({ dataDir, now: () => now });
    const recorded = log.record({
      ...change(1),
      action: 'edited',
      patch: [{ op: 'replace', path: '/name', value: 'new name' }],
    });
    expect(recorded).toEqual({
      time: '2026-03-04T05:06:07.000Z',
      ...change(1),
      action: 'edited',
      patch: [{ op: 'replace', path: '/name', value: 'new name' }],
    });
    log.record(change(2));
    await log.flush();
    expect(await fileEntries()).toHaveLength(2);

    const reopened = await ActivityLog.open({ dataDir });
    expect(reopened.list().map((entry) => entry.imageId)).toEqual(['image-2', 'image-1']);
  });

  it('lists one cloud, or all, up to a limit', async () => {
    const log = await ActivityLog.open({ dataDir });
    for (let index = 0; index < 6; index++) {
      log.record(change(index, index % 2 === 0 ? 'cloud-a' : 'cloud-b'));
    }
    expect(log.list({ profileId: 'cloud-b' }).map((entry) => entry.imageId)).toEqual([
      'image-5',
      'image-3',
      'image-1',
    ]);
    expect(log.list({ limit: 2 }).map((entry) => entry.imageId)).toEqual(['image-5', 'image-4']);
    expect(log.list({ profileId: 'nobody' })).toEqual([]);
    await log.flush();
  });

  it('keeps only the newest entries, in memory and in the file', async () => {
    const maxEntries = 20;
    const log = await ActivityLog.open({ dataDir, maxEntries });
    for (let index = 0; index < 95; index++) log.record(change(index));
    await log.flush();
    const listed = log.list();
    expect(listed).toHaveLength(maxEntries);
    expect(listed[0]?.imageId).toBe('image-94');
    expect(listed.at(-1)?.imageId).toBe('image-75');
    // The file is trimmed once it is a tenth over the bound: never more than that.
    const inFile = await fileEntries();
    expect(inFile.length).toBeLessThanOrEqual(maxEntries + maxEntries / 10);
    expect(inFile.at(-1)?.imageId).toBe('image-94');
    expect(new Set(inFile.map((entry) => entry.imageId)).size).toBe(inFile.length);

    const reopened = await ActivityLog.open({ dataDir, maxEntries });
    expect(reopened.list().map((entry) => entry.imageId)).toEqual(
      listed.map((entry) => entry.imageId),
    );
  });

  it('skips a damaged line instead of losing the log', async () => {
    const log = await ActivityLog.open({ dataDir });
    log.record(change(1));
    await log.flush();
    await appendFile(join(dataDir, activityFileName), '{"time": "2026-01-0\n{"not": "an entry"}\n');
    log.record(change(2));
    await log.flush();
    const reopened = await ActivityLog.open({ dataDir });
    expect(reopened.list().map((entry) => entry.imageId)).toEqual(['image-2', 'image-1']);
  });

  it('cuts very long patch values short and says so', async () => {
    const log = await ActivityLog.open({ dataDir });
    const long = 'x'.repeat(10_000);
    const entry = log.record({
      ...change(1),
      action: 'edited',
      patch: [
        { op: 'add', path: '/description', value: long },
        { op: 'remove', path: '/old' },
      ],
    });
    expect(entry.abridged).toBe(true);
    const [added, removed] = entry.patch ?? [];
    expect(added).toMatchObject({ op: 'add', path: '/description' });
    expect(String((added as { value: unknown }).value).length).toBeLessThan(2_100);
    expect(removed).toEqual({ op: 'remove', path: '/old' });
    await log.flush();
  });

  it('reports a file it cannot write, and still keeps the entry in memory', async () => {
    const blocked = join(dataDir, 'file-not-folder');
    await writeFile(blocked, '');
    const errors: unknown[] = [];
    const log = await ActivityLog.open({
      dataDir: blocked,
      onError: (error) => errors.push(error),
    });
    const before = errors.length;
    log.record(change(1));
    await log.flush();
    expect(errors.length).toBe(before + 1);
    expect(log.list()).toHaveLength(1);
  });
});

describe('failedOutcome', () => {
  it('keeps the kind, status, code and request id of an error, never its message', () => {
    const error = new AppError({
      kind: 'forbidden',
      status: 403,
      requestId: 'req-1',
      message: 'The image is protected.',
      details: { reason: 'delete-refused' },
    });
    expect(failedOutcome(error)).toEqual({
      ok: false,
      kind: 'forbidden',
      status: 403,
      code: 'delete-refused',
      requestId: 'req-1',
    });
    expect(failedOutcome(error.toJSON())).toEqual(failedOutcome(error));
    expect(failedOutcome(new Error('socket hang up'))).toMatchObject({
      ok: false,
      kind: 'network',
    });
  });
});
