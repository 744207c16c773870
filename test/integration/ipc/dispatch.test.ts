// The main process as the renderer reaches it: every call goes through `dispatch` (payload
// validation, handler, error envelope) into services built by createServices, against the
// real Keystone + Glance.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);

let main: TestMain;
let profileId: string;

beforeAll(async () => {
  // Every finished transfer is "long" here, so that notifications can be checked.
  main = await startTestMain({ notifyAfterMs: 0 });
  const profile = await main.value('saveProfile', { profile: passwordProfile(bed, bed.member) });
  profileId = profile.id;
});

afterAll(async () => {
  await main?.close();
});

describe('profiles through dispatch', () => {
  it('saves a profile and never hands its secret back', async () => {
    const profiles = await main.value('listProfiles');
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ id: profileId, secretState: 'stored' });
    expect(JSON.stringify(profiles)).not.toContain(bed.member.password);
  });

  it('rejects a profile form with a missing field, naming the field', async () => {
    const result = await main.call('saveProfile', {
      profile: passwordProfile(bed, bed.member, { userName: '', userId: undefined }),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('validation');
    expect(result.error.details).toEqual({
      reason: 'invalid-values',
      values: [{ field: 'profile.userName', missing: true }],
    });
    expect(await main.value('listProfiles')).toHaveLength(1);
  });

  it('uses the new password as soon as the profile is saved again (clients are rebuilt)', async () => {
    const { id } = await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, { name: 'wrong password', secret: 'not-it' }),
    });
    const refused = await main.call('listImages', { profileId: id, query: { limit: 1 } });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.kind).toBe('auth');
    expect(JSON.stringify(refused.error)).not.toContain('not-it');

    await main.value('saveProfile', {
      id,
      profile: passwordProfile(bed, bed.member, { name: 'right password' }),
    });
    const page = await main.value('listImages', { profileId: id, query: { limit: 1 } });
    expect(Array.isArray(page.images)).toBe(true);

    await main.value('deleteProfile', { id });
    const gone = await main.call('listImages', { profileId: id, query: { limit: 1 } });
    expect(gone).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});

describe('test connection through dispatch', () => {
  it('passes for a saved profile, and for an edited form that keeps the saved password', async () => {
    const saved = await main.value('testConnection', { id: profileId });
    expect(saved).toMatchObject({ ok: true, imageEndpoint: bed.glanceUrl });
    const form = passwordProfile(bed, bed.member, { name: 'edited', secret: undefined });
    const edited = await main.value('testConnection', { profile: form, id: profileId });
    expect(edited).toMatchObject({ ok: true, projectId: bed.member.projectId });
  });

  it('says which step failed: a wrong password, nothing listening, no password at all', async () => {
    const wrong = await main.value('testConnection', {
      profile: passwordProfile(bed, bed.member, { secret: 'wrong-password' }),
    });
    expect(wrong).toMatchObject({ ok: false, step: 'auth', error: { kind: 'auth' } });
    expect(JSON.stringify(wrong)).not.toContain('wrong-password');

    const nobody = await main.value('testConnection', {
      profile: passwordProfile(bed, bed.member, { authUrl: 'http://127.0.0.1:9/v3' }),
    });
    expect(nobody).toMatchObject({ ok: false, step: 'auth', error: { kind: 'network' } });

    const noSecret = passwordProfile(bed, bed.member, { secret: undefined });
    const missing = await main.value('testConnection', { profile: noSecret });
    expect(missing).toMatchObject({ ok: false, step: 'auth', error: { kind: 'auth' } });
  });

  it('rejects a form with invalid fields as a validation error', async () => {
    const result = await main.call('testConnection', {
      profile: passwordProfile(bed, bed.member, { authUrl: 'ftp://keystone' }),
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });
});

describe('import through dispatch', () => {
  it('imports a clouds.yaml, and the imported profile connects once saved', async () => {
    const folder = tempFolder('clouds');
    const cloudsPath = join(folder, 'clouds.yaml');
    const user = bed.member;
    await writeFile(
      cloudsPath,
      [
        'clouds:',
        '  testbed:',
        '    auth:',
        `      auth_url: ${bed.authUrl}`,
        `      username: ${user.username}`,
        `      password: ${user.password}`,
        `      project_name: ${user.projectName}`,
        `      user_domain_id: ${user.domainId}`,
        `      project_domain_id: ${user.domainId}`,
        `    region_name: ${bed.region}`,
        '    interface: public',
        '    identity_api_version: 3',
      ].join('\n'),
    );
    await main.pick('clouds-yaml', cloudsPath);
    const result = await main.value('importProfiles', { kind: 'clouds-yaml', path: cloudsPath });
    expect(result.files).toEqual([cloudsPath]);
    expect(result.profiles).toHaveLength(1);
    // The password stays in main: the renderer gets a reference to it.
    expect(JSON.stringify(result)).not.toContain(user.password);
    expect(result.profiles[0]?.importedSecret).toEqual(expect.any(String));
    const saved = await main.value('saveProfile', { profile: result.profiles[0] });
    const page = await main.value('listImages', { profileId: saved.id, query: { limit: 1 } });
    expect(Array.isArray(page.images)).toBe(true);
    await main.value('deleteProfile', { id: saved.id });
  });

  it('asks for the openrc file, and reports a missing clouds.yaml as a file problem', async () => {
    const noPath = await main.call('importProfiles', { kind: 'openrc' });
    expect(noPath).toMatchObject({ ok: false, error: { kind: 'validation' } });
    const gone = join(tempFolder('clouds'), 'nope.yaml');
    await main.pick('clouds-yaml', gone);
    const missing = await main.call('importProfiles', { kind: 'clouds-yaml', path: gone });
    expect(missing).toMatchObject({ ok: false, error: { kind: 'filesystem' } });
  });
});

describe('images and transfers through dispatch', () => {
  const name = `ipc-upload-${runId}`;
  const content = randomBytes(3 * 1024 * 1024 + 17);
  let imageId: string;

  it('uploads a file only once the user picked it: creates an image, uploads, verified', async () => {
    const source = join(tempFolder('upload'), 'disk.raw');
    await writeFile(source, content);
    const request = {
      profileId,
      path: source,
      create: { name, disk_format: 'raw', container_format: 'bare' },
    };
    const unpicked = await main.call('startUpload', request);
    expect(unpicked).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(main.services.transfers.list()).toEqual([]);

    await main.pick('image', source);
    const started = await main.value('startUpload', request);
    const upload = await waitForTransfer(main, started.id);
    expect(upload.error).toBeUndefined();
    expect(upload.state).toBe('done');
    expect(upload.verification).toMatchObject({ ok: true });
    imageId = upload.imageId;
  });

  it('lists the image with a server-side filter and reads it back', async () => {
    const page = await main.value('listImages', { profileId, query: { name } });
    expect(page.images.map((image) => image.id)).toEqual([imageId]);
    const image = await main.value('getImage', { profileId, imageId });
    expect(image).toMatchObject({ name, status: 'active', size: content.length });
    expect(image.checksum).toBe(createHash('md5').update(content).digest('hex'));
  });

  it('downloads the image into a picked folder, verified, and notifies when it is done', async () => {
    const folder = tempFolder('download');
    const request = { profileId, imageIds: [imageId], folder };
    const unpicked = await main.call('startDownloads', request);
    expect(unpicked).toMatchObject({ ok: false, error: { kind: 'forbidden' } });

    await main.pick('folder', folder);
    const {
      transfers: [started],
    } = await main.value('startDownloads', request);
    if (started === undefined) throw new Error('No transfer was started.');
    const download = await waitForTransfer(main, started.id);
    expect(download.error).toBeUndefined();
    expect(download.state).toBe('done');
    expect(download.verification).toMatchObject({ algorithm: 'sha512', ok: true });
    expect(download.path.startsWith(folder)).toBe(true);
    expect((await readFile(download.path)).equals(content)).toBe(true);

    expect(main.os.notifications).toContainEqual({
      title: 'Download finished',
      body: `“${name}” was saved to ${folder} and verified (sha512).`,
    });

    await main.value('revealTransfer', { id: download.id });
    expect(main.os.revealed).toEqual([download.path]);
    await main.value('startDragTransfer', { id: download.id });
    expect(main.os.dragged).toEqual([{ path: download.path, sender: 'test-sender' }]);
  });

  it('says where to download when neither the call nor the profile names a folder', async () => {
    const result = await main.call('startDownloads', { profileId, imageIds: [imageId] });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });

  it('takes only full paths for download folders and upload files', async () => {
    const before = main.services.transfers.list().length;
    const folder = await main.call('startDownloads', {
      profileId,
      imageIds: [imageId],
      folder: 'downloads',
    });
    expect(folder).toMatchObject({ ok: false, error: { kind: 'validation' } });
    const file = await main.call('startUpload', { profileId, path: 'disk.raw', imageId });
    expect(file).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(main.services.transfers.list()).toHaveLength(before);
  });

  it('reports a failed download and notifies about it', async () => {
    const missing = randomUUID();
    const folder = tempFolder('download');
    await main.pick('folder', folder);
    const {
      transfers: [failed],
    } = await main.value('startDownloads', { profileId, imageIds: [missing], folder });
    expect(failed).toMatchObject({ state: 'failed', error: { kind: 'not-found' } });
    if (failed === undefined) return;
    await waitForTransfer(main, failed.id);
    await expect.poll(() => main.os.notifications.map((n) => n.title)).toContain('Download failed');

    const reveal = await main.call('revealTransfer', { id: failed.id });
    expect(reveal).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    const unknown = await main.call('startDragTransfer', { id: 'no-such-transfer' });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'not-found' } });

    const removeUnknown = { id: 'no-such-transfer', action: 'remove' } as const;
    const notRemoved = await main.call('controlTransfer', removeUnknown);
    expect(notRemoved).toMatchObject({
      ok: false,
      error: { kind: 'not-found', details: { reason: 'transfer-gone' } },
    });
    const pauseFailed = { id: failed.id, action: 'pause' } as const;
    expect(await main.call('controlTransfer', pauseFailed)).toMatchObject({
      ok: false,
      error: {
        kind: 'conflict',
        details: { reason: 'action-not-allowed', state: 'failed', action: 'pause' },
      },
    });
    await main.value('controlTransfer', { id: failed.id, action: 'remove' });
    expect(main.services.transfers.list().map((t) => t.id)).not.toContain(failed.id);
  });

  it('deletes in bulk, one result per image, a protected one explained', async () => {
    const loose = await main.value('createImage', { profileId, fields: { name: `${name}-a` } });
    const locked = await main.value('createImage', {
      profileId,
      fields: { name: `${name}-b`, protected: true },
    });
    const results = await main.value('deleteImages', {
      profileId,
      imageIds: [loose.id, locked.id, imageId],
    });
    expect(results.map((r) => [r.imageId, r.ok])).toEqual([
      [loose.id, true],
      [locked.id, false],
      [imageId, true],
    ]);
    expect(results[1]?.error).toMatchObject({ kind: 'forbidden', status: 403 });

    await main.value('updateImage', {
      profileId,
      imageId: locked.id,
      ops: [{ op: 'replace', path: '/protected', value: false }],
    });
    expect(await main.value('deleteImages', { profileId, imageIds: [locked.id] })).toEqual([
      { imageId: locked.id, ok: true },
    ]);
  });

  it('reads the create form options from the cloud’s image schema', async () => {
    const info = await main.value('getImageSchema', { profileId });
    expect(info.diskFormats).toContain('qcow2');
    expect(info.containerFormats).toContain('bare');
    expect(info.visibilities).toEqual(expect.arrayContaining(['private', 'shared']));
    expect(info.diskFormats).not.toContain(null);
  });

  it('returns a cloud error with its kind and status, and a missing image as not-found', async () => {
    const missing = await main.call('getImage', { profileId, imageId: randomUUID() });
    expect(missing).toMatchObject({ ok: false, error: { kind: 'not-found', status: 404 } });
    const publicImage = await main.call('createImage', {
      profileId,
      fields: { name: `${name}-public`, visibility: 'public' },
    });
    expect(publicImage).toMatchObject({ ok: false, error: { kind: 'forbidden', status: 403 } });
  });
});

describe('app calls through dispatch', () => {
  it('answers app info and settings, and validates a settings change', async () => {
    expect(await main.value('getAppInfo')).toMatchObject({ version: '0.0.0-test' });
    const updated = await main.value('updateSettings', { locale: 'zh-CN' });
    expect(updated.locale).toBe('zh-CN');
    expect((await main.value('getSettings')).locale).toBe('zh-CN');
    const bad = await main.call('updateSettings', { locale: 'klingon' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect((await main.value('getSettings')).locale).toBe('zh-CN');
  });

  it('passes dialogs through to the dialog adapter', async () => {
    main.dialogAnswers.folder = '/picked/folder';
    expect(await main.value('chooseFolder', { title: 'Download to' })).toBe('/picked/folder');
    main.dialogAnswers.folder = null;
    expect(await main.value('chooseFolder', {})).toBeNull();
    main.dialogAnswers.files = ['/a.qcow2', '/b.qcow2'];
    expect(await main.value('chooseFiles', { purpose: 'image', multiple: true })).toEqual([
      '/a.qcow2',
      '/b.qcow2',
    ]);
  });
});
