// The activity log and the log file through `dispatch`, against the real Keystone + Glance:
// what the user changes is recorded with its outcome and patch, can be listed per cloud and
// exported through main's save dialog; a failed request lands in the log file with its
// status and request id, never with the token or password.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActivityEntry } from '../../../common/activity';
import { passwordProfile, startTestMain, tempFolder, type TestMain } from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);

let main: TestMain;
let profileId: string;
let otherProfileId: string;

beforeAll(async () => {
  main = await startTestMain({ log: () => undefined });
  profileId = (
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, { name: `member ${runId}` }),
    })
  ).id;
  otherProfileId = (
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.admin, { name: `admin ${runId}` }),
    })
  ).id;
});

afterAll(async () => {
  await main?.close();
});

describe('activity log', () => {
  let imageId: string;
  const name = `activity-${runId}`;

  it('records a create, an edit with its patch and a delete, newest first', async () => {
    const created = await main.value('createImage', {
      profileId,
      fields: { name, disk_format: 'qcow2', container_format: 'bare' },
    });
    imageId = created.id;
    const ops = [
      { op: 'replace', path: '/name', value: `${name}-renamed` },
      { op: 'add', path: '/tags', value: ['audit', runId] },
    ];
    await main.value('updateImage', { profileId, imageId, ops });
    const [deleted] = await main.value('deleteImages', { profileId, imageIds: [imageId] });
    expect(deleted?.ok).toBe(true);

    const entries = await main.value('listActivity', { profileId });
    const mine = entries.filter((entry) => entry.imageId === imageId);
    expect(mine.map((entry) => entry.action)).toEqual(['deleted', 'edited', 'created']);
    const [deletedEntry, editedEntry, createdEntry] = mine as [
      ActivityEntry,
      ActivityEntry,
      ActivityEntry,
    ];
    const cloud = { profileId, profileName: `member ${runId}`, outcome: { ok: true } };
    expect(createdEntry).toMatchObject({ ...cloud, imageName: name });
    expect(editedEntry).toMatchObject({ ...cloud, imageName: `${name}-renamed`, patch: ops });
    expect(deletedEntry).toMatchObject({ ...cloud, imageName: `${name}-renamed` });
    expect(Date.parse(deletedEntry.time)).toBeGreaterThanOrEqual(Date.parse(createdEntry.time));
  });

  it('records a failed change with the error kind, status and request id', async () => {
    const missing = randomUUID();
    const [result] = await main.value('deleteImages', { profileId, imageIds: [missing] });
    expect(result?.ok).toBe(false);
    const [entry] = await main.value('listActivity', { profileId, limit: 1 });
    expect(entry).toMatchObject({
      action: 'deleted',
      imageId: missing,
      imageName: '',
      outcome: { ok: false, kind: 'not-found', status: 404, requestId: result?.error?.requestId },
    });
    expect(result?.error?.requestId).toMatch(/^req-/);
  });

  it('lists one cloud at a time, or all of them', async () => {
    const other = await main.value('createImage', {
      profileId: otherProfileId,
      fields: { name: `${name}-admin` },
    });
    await main.value('deleteImages', { profileId: otherProfileId, imageIds: [other.id] });
    const ofOther = await main.value('listActivity', { profileId: otherProfileId });
    expect(ofOther.map((entry) => entry.action)).toEqual(['deleted', 'created']);
    expect(ofOther.every((entry) => entry.profileName === `admin ${runId}`)).toBe(true);
    const ofMember = await main.value('listActivity', { profileId });
    expect(ofMember.some((entry) => entry.profileId === otherProfileId)).toBe(false);
    const all = await main.value('listActivity', {});
    expect(all).toHaveLength(ofOther.length + ofMember.length);
  });

  it('exports to the file chosen in the save dialog, as CSV or JSON, and nothing when cancelled', async () => {
    const folder = tempFolder('export');
    main.dialogAnswers.saveAs = join(folder, 'activity.csv');
    const csvPath = await main.value('exportActivity', { format: 'csv', profileId });
    expect(csvPath).toBe(main.dialogAnswers.saveAs);
    const csv = await readFile(join(folder, 'activity.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFtime,cloud_id,cloud,action,image_id,image_name,outcome,error_kind,http_status,error_code,request_id,patch,project,copied_from',
    );
    expect(csv).toContain(`,edited,${imageId},${name}-renamed,ok,`);
    expect(csv).not.toContain(otherProfileId);

    main.dialogAnswers.saveAs = join(folder, 'activity.json');
    await main.value('exportActivity', { format: 'json' });
    const json = JSON.parse(await readFile(join(folder, 'activity.json'), 'utf8')) as unknown;
    expect(json).toEqual(await main.value('listActivity', {}));

    main.dialogAnswers.saveAs = null;
    expect(await main.value('exportActivity', { format: 'csv' })).toBeNull();
    expect((await readdir(folder)).sort()).toEqual(['activity.csv', 'activity.json']);
  });

  it('refuses a bad export request before opening any dialog', async () => {
    const result = await main.call('exportActivity', { format: 'xlsx' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe('validation');
  });
});

describe('log file', () => {
  it('has each failed request with its status and request id, never the token or password', async () => {
    const missing = randomUUID();
    const result = await main.call('getImage', { profileId, imageId: missing });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const token = await main.services.clients.get(profileId).session.token();

    await main.services.appLog.flush();
    const text = await readFile(main.services.appLog.file, 'utf8');
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'app.started', version: '0.0.0-test' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        event: 'request.failed',
        method: 'GET',
        path: `/v2/images/${missing}`,
        status: 404,
        kind: 'not-found',
        requestId: result.error.requestId,
      }),
    );
    expect(text).not.toContain(token);
    expect(text).not.toContain(bed.member.password);
    expect(text).not.toContain(bed.admin.password);
  });

  it('has the failed sign-in of a connection test, without the password tried', async () => {
    const wrong = `wrong-password-${runId}`;
    const result = await main.value('testConnection', {
      profile: passwordProfile(bed, bed.member, { secret: wrong }),
    });
    expect(result).toMatchObject({ ok: false, step: 'auth' });
    await main.services.appLog.flush();
    const text = await readFile(main.services.appLog.file, 'utf8');
    const signIn = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.event === 'request.failed' && line.path === '/v3/auth/tokens');
    expect(signIn).toMatchObject({ method: 'POST', status: 401, kind: 'auth' });
    expect(signIn?.requestId).toMatch(/^req-/);
    expect(text).not.toContain(wrong);
  });

  it('has the unexpected errors dispatch reports', async () => {
    main.services.log('Call listImages failed unexpectedly: TypeError: boom');
    await main.services.appLog.flush();
    const text = await readFile(main.services.appLog.file, 'utf8');
    expect(text).toContain('"event":"error.unexpected"');
    expect(text).toContain('TypeError: boom');
  });
});

describe('diagnostics', () => {
  it('names the versions and each cloud, never a password, token or user', async () => {
    await main.value('listImages', { profileId, query: { limit: 1 } });
    const token = await main.services.clients.get(profileId).session.token();
    const result = await main.value('getDiagnostics');
    expect(result).toMatchObject({ version: '0.0.0-test', node: process.versions.node });
    expect(result.clouds).toContainEqual(
      expect.objectContaining({
        name: `member ${runId}`,
        authOrigin: new URL(bed.authUrl).origin,
        authMethod: 'password',
        region: bed.region,
        interface: 'public',
      }),
    );
    const text = JSON.stringify(result);
    for (const secret of [token, bed.member.password, bed.member.username, bed.admin.password]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('log folder', () => {
  it('opens the folder of the log files', async () => {
    await main.value('openLogFolder');
    expect(main.os.folders).toEqual([main.services.appLog.dir]);
    expect(main.services.appLog.dir).toBe(join(main.dataDir, 'logs'));
  });
});
