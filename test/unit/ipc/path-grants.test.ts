// Paths from the renderer: main acts only on the ones it handed out itself (its dialogs, a
// drop the preload reported, what the settings hold, a CA file an import named), and only
// for the purpose it handed them out for. A forged path is refused with a plain error before
// anything happens; a granted one works.
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PathUse } from '../../../common/errors';
import type { ProfileInput } from '../../../common/profile';
import { PathGrants } from '../../../main/ipc/path-grants';
import { startTestMain, tempFolder, type TestMain } from '../../integration/ipc/harness';
import { failure } from '../../support/app-error';

const secretKey = join(homedir(), '.ssh', 'id_rsa');

/** A synchronous check as a promise, for `failure`. */
const checking = (check: () => unknown) => Promise.resolve().then(check);

describe('PathGrants', () => {
  it('answers only for what was granted, by kind, ignoring a trailing separator or a dot', () => {
    const grants = new PathGrants();
    grants.grant('upload-file', '/home/me/disk.qcow2');
    grants.grant('folder', '/home/me/downloads/');
    grants.grant('ca-file', '/home/me/ca.pem');
    grants.grant('import-file', '/home/me/clouds.yaml');
    expect(grants.has('upload-file', '/home/me/disk.qcow2')).toBe(true);
    expect(grants.has('upload-file', '/home/me/./disk.qcow2')).toBe(true);
    expect(grants.has('folder', '/home/me/downloads')).toBe(true);
    expect(grants.has('folder', '/home/me/disk.qcow2')).toBe(false);
    expect(grants.has('upload-file', '/home/me/downloads')).toBe(false);
    expect(grants.has('upload-file', '/home/me/other.qcow2')).toBe(false);
    // A file granted for one purpose is not granted for another.
    expect(grants.has('ca-file', '/home/me/ca.pem')).toBe(true);
    expect(grants.has('upload-file', '/home/me/ca.pem')).toBe(false);
    expect(grants.has('import-file', '/home/me/ca.pem')).toBe(false);
    expect(grants.has('ca-file', '/home/me/disk.qcow2')).toBe(false);
    expect(grants.has('upload-file', '/home/me/clouds.yaml')).toBe(false);
    expect(grants.has('folder', '/home/me/downloads/../.ssh')).toBe(false);
    expect(grants.has('folder', '/home/me/downloads/inside')).toBe(false);
  });

  it('check returns a granted path, and refuses any other, saying what it was for', async () => {
    const grants = new PathGrants();
    grants.grant('upload-file', '/home/me/disk.qcow2');
    expect(grants.check('upload-file', '/home/me/disk.qcow2', 'upload-file')).toBe(
      '/home/me/disk.qcow2',
    );
    await failure(
      checking(() => grants.check('upload-file', secretKey, 'upload-file')),
      'forbidden',
      { reason: 'path-not-chosen', path: secretKey, use: 'upload-file' },
    );
    const folder = await failure(
      checking(() => grants.check('folder', '/etc', 'download-folder')),
      'forbidden',
      { reason: 'path-not-chosen', path: '/etc', use: 'download-folder' },
    );
    expect(folder.message).toBe(
      'Glance Desk only uses a download folder you chose in the app, and /etc was not. Choose it with the app’s folder dialog, then try again.',
    );
  });

  it('refuses a relative path as a validation error, even one granted', async () => {
    const grants = new PathGrants();
    grants.grant('upload-file', 'disk.qcow2');
    const error = await failure(
      checking(() => grants.check('upload-file', 'disk.qcow2', 'upload-file')),
      'validation',
      { reason: 'relative-path', path: 'disk.qcow2', use: 'upload-file' },
    );
    expect(error.message).toBe('The file to upload must be a full path: disk.qcow2');
  });
});

describe('handlers check every path the renderer names', () => {
  let main: TestMain;
  afterEach(async () => {
    await main?.close();
  });

  // A cloud that is never reached: these calls are refused or checked before any request.
  const offline: ProfileInput = {
    name: 'offline',
    authUrl: 'http://127.0.0.1:9/v3',
    authMethod: 'token',
    interface: 'public',
    secret: 'a-token',
  };

  /** The call is refused: the path it names was not chosen in the app for `use`. */
  async function refused(call: Promise<unknown>, use: PathUse): Promise<void> {
    expect(await call).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', details: { reason: 'path-not-chosen', use } },
    });
  }

  it('uploads only a file picked in the file dialog or dropped on the window', async () => {
    main = await startTestMain();
    const { id: profileId } = await main.value('saveProfile', { profile: offline });
    const upload = (path: string) => main.call('startUpload', { profileId, path, imageId: 'i-1' });

    await refused(upload(secretKey), 'upload-file');
    // Main checks a file's headers before it queues it: these exist (1 byte of raw disk).
    const picked = join(tempFolder('upload'), 'disk.qcow2');
    await writeFile(picked, 'x');
    await refused(upload(picked), 'upload-file');
    expect(main.services.transfers.list()).toEqual([]);

    await main.pick('image', picked);
    expect(await upload(picked)).toMatchObject({
      ok: true,
      value: { kind: 'upload', path: picked },
    });
    // What the preload reports for a dropped file is granted the same way.
    const dropped = join(tempFolder('drop'), 'dropped.raw');
    await writeFile(dropped, 'x');
    main.services.pathGrants.grant('upload-file', dropped);
    expect(await upload(dropped)).toMatchObject({
      ok: true,
      value: { kind: 'upload', path: dropped },
    });
    // A picked folder is not a file to upload, nor is a file picked as a CA file or to import.
    const folder = tempFolder('folder');
    await main.pick('folder', folder);
    await refused(upload(folder), 'upload-file');
    const caFile = join(tempFolder('ca'), 'ca.pem');
    await main.pick('ca-file', caFile);
    await refused(upload(caFile), 'upload-file');
    const openrc = join(tempFolder('openrc'), 'admin-openrc.sh');
    await main.pick('openrc', openrc);
    await refused(upload(openrc), 'upload-file');
    expect(main.services.transfers.list()).toHaveLength(2);
  });

  it('downloads only into a picked folder, a pinned one or the profile’s own', async () => {
    main = await startTestMain();
    const { id: profileId } = await main.value('saveProfile', { profile: offline });
    const download = (folder?: string) =>
      main.call('startDownloads', {
        profileId,
        imageIds: ['i-1'],
        ...(folder === undefined ? {} : { folder }),
      });

    const autostart = join(homedir(), '.config', 'autostart');
    await refused(download(autostart), 'download-folder');
    const picked = tempFolder('picked');
    await refused(download(picked), 'download-folder');
    expect(main.services.transfers.list()).toEqual([]);

    await main.pick('folder', picked);
    expect(await download(picked)).toMatchObject({
      ok: true,
      value: { transfers: [{ folder: picked }] },
    });
    expect(await download()).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });

  it('saves a profile or tests a form only with a picked download folder and CA file', async () => {
    main = await startTestMain();
    const caFile = join(tempFolder('ca'), 'ca.pem');
    const folder = tempFolder('downloads');
    const save = (profile: ProfileInput) => main.call('saveProfile', { profile });

    await refused(save({ ...offline, downloadFolder: folder }), 'download-folder');
    await refused(save({ ...offline, caFile: secretKey }), 'ca-file');
    await refused(main.call('testConnection', { profile: { ...offline, caFile } }), 'ca-file');
    expect(await main.value('listProfiles')).toEqual([]);

    // A file picked for upload is not a CA file.
    await main.pick('image', caFile);
    await refused(save({ ...offline, caFile }), 'ca-file');
    await main.pick('folder', folder);
    await main.pick('ca-file', caFile);
    const saved = await main.value('saveProfile', {
      profile: { ...offline, downloadFolder: folder, caFile },
    });
    expect(saved).toMatchObject({ downloadFolder: folder, caFile });
    // The profile's own folder is the default download target.
    expect(
      await main.call('startDownloads', { profileId: saved.id, imageIds: ['i'] }),
    ).toMatchObject({ ok: true, value: { transfers: [{ folder }] } });
  });

  it('pins only a picked folder; unpinning needs no pick', async () => {
    main = await startTestMain();
    const folder = tempFolder('pinned');
    await refused(main.call('updateSettings', { pinnedFolders: [folder] }), 'pinned-folder');
    await main.pick('folder', folder);
    expect(await main.value('updateSettings', { pinnedFolders: [folder] })).toMatchObject({
      pinnedFolders: [folder],
    });
    expect(await main.value('updateSettings', { pinnedFolders: [] })).toMatchObject({
      pinnedFolders: [],
    });
  });

  it('keeps accepting, after a restart, the folders and files the settings hold', async () => {
    const dataDir = tempFolder('data');
    const folder = tempFolder('downloads');
    const pinned = tempFolder('pinned');
    const caFile = join(tempFolder('ca'), 'ca.pem');
    const first = await startTestMain({ dataDir });
    await first.pick('folder', folder);
    await first.pick('folder', pinned);
    await first.pick('ca-file', caFile);
    await first.value('saveProfile', { profile: { ...offline, downloadFolder: folder, caFile } });
    await first.value('updateSettings', { pinnedFolders: [pinned] });
    await first.services.close();

    main = await startTestMain({ dataDir });
    const [profile] = await main.value('listProfiles');
    if (profile === undefined) throw new Error('The profile was not kept.');
    // Saved again unchanged (the form sends the paths back), and downloads into the pinned folder.
    await main.value('saveProfile', {
      id: profile.id,
      profile: { ...offline, downloadFolder: folder, caFile },
    });
    expect(
      await main.call('startDownloads', { profileId: profile.id, imageIds: ['i'], folder: pinned }),
    ).toMatchObject({ ok: true });
    await refused(
      main.call('startUpload', { profileId: profile.id, path: secretKey, imageId: 'i' }),
      'upload-file',
    );
    // The saved CA file is accepted as a CA file, not as a file to upload.
    await refused(
      main.call('startUpload', { profileId: profile.id, path: caFile, imageId: 'i' }),
      'upload-file',
    );
  });

  it('imports only a picked file, and accepts the CA file the import names as a CA file only', async () => {
    main = await startTestMain();
    const folder = tempFolder('clouds');
    const cloudsPath = join(folder, 'clouds.yaml');
    const caFile = join(folder, 'certs', 'ca.pem');
    await mkdir(join(folder, 'certs'));
    await writeFile(
      cloudsPath,
      [
        'clouds:',
        '  offline:',
        '    auth:',
        '      auth_url: http://127.0.0.1:9/v3',
        '      token: a-token',
        '    auth_type: token',
        `    cacert: ${caFile}`,
        '',
      ].join('\n'),
    );
    await refused(
      main.call('importProfiles', { kind: 'clouds-yaml', path: cloudsPath }),
      'import-file',
    );
    await refused(main.call('importProfiles', { kind: 'openrc', path: secretKey }), 'import-file');

    // Picked to upload is not picked to import.
    await main.pick('image', cloudsPath);
    await refused(
      main.call('importProfiles', { kind: 'clouds-yaml', path: cloudsPath }),
      'import-file',
    );
    await main.pick('clouds-yaml', cloudsPath);
    const result = await main.value('importProfiles', { kind: 'clouds-yaml', path: cloudsPath });
    const [imported] = result.profiles;
    expect(imported?.caFile).toBe(caFile);
    const saved = await main.value('saveProfile', { profile: imported });
    expect(saved).toMatchObject({ caFile });
    // A clouds.yaml can name any file as its CA file: that grants no upload of it.
    const upload = await main.call('startUpload', {
      profileId: saved.id,
      path: caFile,
      imageId: 'i-1',
    });
    expect(upload).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', message: expect.stringMatching(/file to upload/) },
    });
    expect(main.services.transfers.list()).toEqual([]);
  });
});
