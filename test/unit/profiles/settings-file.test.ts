import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileStore } from '../../../main/profiles/store';
import { AppSettingsStore } from '../../../main/settings/app-settings';
import { AppError } from '../../../common/errors';
import { defaultAppSettings } from '../../../common/profile';
import { settingsFilePath } from '../../../main/settings/settings-file';
import { currentSettingsVersion, upgradeSettings } from '../../../main/settings/upgrade';
import { aesSecretBox, basicTextSecretBox, nth, openConf, tempSettingsFolder } from './helpers';

const fixtures = join(import.meta.dirname, '../../fixtures/profiles');
/** The key the v1 fixture's `encryptedPassword` was made with. */
const v1Key = Buffer.from('glance-desk-v1-fixture-key-32byt');
/** The key the v2 fixture's `secretCipher`s were made with. */
const v2Key = Buffer.from('glance-desk-v2-fixture-key-32byt');

/** The secret-needed details of the error `action` throws. */
function secretNeeded(action: () => unknown) {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('validation');
    const { details } = error as AppError;
    return details?.reason === 'secret-needed' ? details : undefined;
  }
  throw new Error('expected the secret to be needed again');
}

function folderWith(fixture: string): string {
  const folder = tempSettingsFolder();
  copyFileSync(join(fixtures, fixture), settingsFilePath(folder));
  return folder;
}

function backups(folder: string): string[] {
  return readdirSync(folder).filter((name) => /^settings\.corrupt-.*\.json$/.test(name));
}

describe('settings file', () => {
  it('starts empty when there is no file yet', () => {
    const folder = tempSettingsFolder();
    const { store, problems } = openConf(folder);
    expect(problems).toEqual([]);
    expect(new ProfileStore(store, aesSecretBox()).list()).toEqual([]);
    expect(new AppSettingsStore(store).all()).toEqual({
      ...defaultAppSettings,
      locale: 'system',
      theme: 'system',
      pinnedFolders: [],
    });
    expect(JSON.parse(readFileSync(settingsFilePath(folder), 'utf8'))).toMatchObject({
      version: currentSettingsVersion,
    });
  });

  it('upgrades settings written by version 1, keeping every profile and the saved password', () => {
    const folder = folderWith('settings-v1.json');
    const { store, problems } = openConf(folder);
    expect(problems).toEqual([]);
    expect(backups(folder)).toEqual([]);

    const profiles = new ProfileStore(store, aesSecretBox(v1Key));
    expect(profiles.list()).toEqual([
      {
        id: '7c0f3b52-5d3e-4b8e-9a51-0d6f2f1c9e11',
        name: '华北-北京四 生产',
        authUrl: 'https://iam.cn-north-4.example.com/v3',
        authMethod: 'password',
        userName: 'li.wei',
        userDomainName: 'ops-domain',
        projectName: 'cn-north-4_images',
        projectDomainName: 'ops-domain',
        region: 'cn-north-4',
        interface: 'public',
        downloadFolder: '/home/li.wei/镜像下载',
        secretState: 'stored',
      },
      {
        id: 'e2a9d0c4-1f77-4c55-8a0e-3b6c1d2e4f50',
        name: 'lab',
        authUrl: 'https://10.0.0.5:5000/v3',
        authMethod: 'password',
        userName: 'admin',
        userDomainName: 'Default',
        projectName: 'admin',
        projectDomainName: 'Default',
        region: 'RegionOne',
        interface: 'internal',
        insecure: true,
        downloadFolder: '/home/li.wei/镜像下载',
        secretState: 'missing',
      },
    ]);
    expect(profiles.resolveConnection('7c0f3b52-5d3e-4b8e-9a51-0d6f2f1c9e11').auth).toMatchObject({
      password: 'v1-Legacy-Passw0rd!',
    });
    expect(new AppSettingsStore(store).all()).toEqual({
      ...defaultAppSettings,
      locale: 'zh-CN',
      theme: 'dark',
      pinnedFolders: ['/home/li.wei/镜像下载'],
      lastProfileId: '7c0f3b52-5d3e-4b8e-9a51-0d6f2f1c9e11',
    });

    // The file itself is now current, and reopening it is uneventful.
    expect(JSON.parse(readFileSync(settingsFilePath(folder), 'utf8')).version).toBe(
      currentSettingsVersion,
    );
    expect(openConf(folder).problems).toEqual([]);
    // The password is bound to the settings it was used with: another auth URL needs it again.
    const moved = profiles.get('7c0f3b52-5d3e-4b8e-9a51-0d6f2f1c9e11');
    expect(
      secretNeeded(() => profiles.save({ ...moved, authUrl: 'https://evil.example/v3' }, moved.id)),
    ).toEqual({
      reason: 'secret-needed',
      secret: 'password',
      changed: 'authUrl',
    });
  });

  it('upgrades settings written by version 2: binds each saved secret, encrypts proxy credentials', () => {
    const folder = folderWith('settings-v2.json');
    const box = aesSecretBox(v2Key);
    const { store, problems, heldProxyCredentials } = openConf(folder, box);
    expect(problems).toEqual([]);
    expect(backups(folder)).toEqual([]);
    expect(heldProxyCredentials.size).toBe(0);

    const profiles = new ProfileStore(store, box);
    const [prod, ims, lab] = profiles.list();
    expect(prod).toMatchObject({
      name: 'prod',
      proxy: 'http://proxy.corp.example.com:3128',
      proxyCredentials: 'stored',
      secretState: 'stored',
    });
    expect(ims).toMatchObject({ name: 'ims', secretState: 'stored' });
    expect(ims).not.toHaveProperty('proxyCredentials');
    expect(lab).toMatchObject({
      proxy: 'http://proxy.lab.example.com:8080',
      secretState: 'missing',
    });
    expect(lab).not.toHaveProperty('proxyCredentials');

    // The proxy's user name and password left the file, and still reach the proxy.
    const text = readFileSync(settingsFilePath(folder), 'utf8');
    expect(JSON.parse(text).version).toBe(currentSettingsVersion);
    for (const secret of ['Pr0xy', 'ops%40corp', 'ops@corp']) expect(text).not.toContain(secret);
    expect(profiles.resolveConnection(nth(profiles.list(), 0).id)).toMatchObject({
      proxy: 'http://ops%40corp:Pr0xy-P%40ss@proxy.corp.example.com:3128/',
      auth: { password: 'v2-Pr0d-Passw0rd' },
    });
    expect(profiles.resolveConnection(nth(profiles.list(), 1).id).auth).toEqual({
      method: 'token',
      token: 'gAAAAABv2-fixture-token-ims',
    });

    // Each secret is bound to what it was used with until now.
    const prodProfile = nth(profiles.list(), 0);
    const imsProfile = nth(profiles.list(), 1);
    expect(profiles.save({ ...prodProfile, region: 'RegionTwo' }, prodProfile.id)).toMatchObject({
      secretState: 'stored',
      proxyCredentials: 'stored',
    });
    expect(
      secretNeeded(() =>
        profiles.save({ ...prodProfile, caFile: '/tmp/other-ca.pem' }, prodProfile.id),
      ),
    ).toMatchObject({ secret: 'password', changed: 'caFile' });
    expect(
      secretNeeded(() => profiles.save({ ...imsProfile, insecure: false }, imsProfile.id)),
    ).toMatchObject({ secret: 'token', changed: 'insecure' });
    expect(
      secretNeeded(() =>
        profiles.save({ ...imsProfile, imageEndpoint: 'https://ims.evil.example' }, imsProfile.id),
      ),
    ).toMatchObject({ secret: 'token', changed: 'imageEndpoint' });
    expect(openConf(folder, box).problems).toEqual([]);
  });

  it('holds version 2 proxy credentials for the session where the system cannot encrypt them', () => {
    const folder = folderWith('settings-v2.json');
    const { store, problems, heldProxyCredentials } = openConf(folder, basicTextSecretBox());
    expect(problems).toEqual([]);
    expect([...heldProxyCredentials]).toEqual([
      ['5d1c8a0e-2b7f-4f3a-9c61-7e0b4d2a9f01', 'ops%40corp:Pr0xy-P%40ss'],
    ]);
    expect(readFileSync(settingsFilePath(folder), 'utf8')).not.toContain('Pr0xy');

    const profiles = new ProfileStore(store, basicTextSecretBox(), { heldProxyCredentials });
    const prod = nth(profiles.list(), 0);
    expect(prod).toMatchObject({ proxyCredentials: 'session' });
    expect(profiles.resolveInput({ ...prod, secret: 'typed' }, prod.id)).toMatchObject({
      proxy: 'http://ops%40corp:Pr0xy-P%40ss@proxy.corp.example.com:3128/',
    });
    // Gone after a restart, as every session-only secret.
    const restarted = new ProfileStore(
      openConf(folder, basicTextSecretBox()).store,
      basicTextSecretBox(),
    );
    expect(nth(restarted.list(), 0)).not.toHaveProperty('proxyCredentials');
  });

  it('upgrades what it can of a version 2 file with odd entries, and never throws', () => {
    const keep = (id: string, secret: string) => `cipher(${id}:${secret.length})`;
    const upgraded = upgradeSettings(
      {
        version: 2,
        profiles: [
          'not a profile',
          { name: 'no id', proxy: 'http://u:p@proxy:1', secretCipher: 'x' },
          { id: 'p1', proxy: 'not a url', secretCipher: 'x', insecure: 'yes' },
          { id: 'p2', proxy: 'http://user@proxy:2/' },
        ],
        app: {},
      },
      keep,
    );
    expect(upgraded).toEqual({
      version: currentSettingsVersion,
      profiles: [
        'not a profile',
        {
          name: 'no id',
          proxy: 'http://proxy:1',
          secretCipher: 'x',
          secretBinding: { proxyOrigin: 'http://proxy:1', insecure: false },
        },
        {
          id: 'p1',
          proxy: 'not a url',
          secretCipher: 'x',
          insecure: 'yes',
          secretBinding: { proxyOrigin: 'not a url', insecure: false },
        },
        { id: 'p2', proxy: 'http://proxy:2/', proxyCredentialsCipher: 'cipher(p2:5)' },
      ],
      app: {},
    });
    expect(upgradeSettings({ version: 2, profiles: 'none' }, keep)).toEqual({
      version: currentSettingsVersion,
      profiles: 'none',
    });
  });

  it('backs up a file that is not valid JSON, reports it, and starts with empty settings', () => {
    const folder = tempSettingsFolder();
    const damaged = readFileSync(join(fixtures, 'settings-v1.json'), 'utf8').slice(0, 300);
    writeFileSync(settingsFilePath(folder), damaged);

    const { store, problems } = openConf(folder);
    expect(problems).toHaveLength(1);
    const problem = nth(problems, 0);
    expect(problem.kind).toBe('settings');
    expect(problem.message).toMatch(/damaged \(it is not valid JSON\).*A copy of it was kept at/);

    const backup = nth(backups(folder), 0);
    expect(problem.details).toEqual({
      reason: 'settings-reset',
      backupPath: join(folder, backup),
      notJson: true,
    });
    expect(readFileSync(join(folder, backup), 'utf8')).toBe(damaged);

    const profiles = new ProfileStore(store, aesSecretBox(), { problems });
    expect(profiles.list()).toEqual([]);
    expect(profiles.startupProblems()).toEqual(problems);
    expect(openConf(folder).problems).toEqual([]);
  });

  it('salvages what it can from a hand-edited file and names what it left out', () => {
    const folder = folderWith('settings-hand-edited.json');
    const original = readFileSync(settingsFilePath(folder), 'utf8');
    const { store, problems } = openConf(folder);

    expect(problems).toHaveLength(1);
    expect(nth(problems, 0).kind).toBe('settings');
    const backup = nth(backups(folder), 0);
    expect(nth(problems, 0).details).toEqual({
      reason: 'settings-repaired',
      backupPath: join(folder, backup),
      newerVersion: false,
      lost: [
        { part: 'profile', name: 'staging', number: 2 },
        { part: 'setting', key: 'theme' },
      ],
    });
    expect(nth(problems, 0).message).toContain('Left out: profile "staging"; the theme setting.');
    expect(readFileSync(join(folder, backup), 'utf8')).toBe(original);

    const list = new ProfileStore(store, aesSecretBox()).list();
    expect(list.map((profile) => profile.name)).toEqual(['prod', 'prod copy']);
    // The copied entry clashed with prod's id: it keeps its data under a new one.
    expect(nth(list, 0).id).toBe('0b1c2d3e-0000-4000-8000-000000000001');
    expect(nth(list, 1).id).not.toBe(nth(list, 0).id);
    expect(new AppSettingsStore(store).all()).toEqual({
      ...defaultAppSettings,
      locale: 'zh-CN',
      theme: 'system',
      pinnedFolders: ['/srv/images'],
    });
  });

  it('keeps a copy of settings written by a newer version before using what it can', () => {
    const folder = tempSettingsFolder();
    const newer = {
      version: currentSettingsVersion + 1,
      profiles: [],
      app: { locale: 'en', theme: 'light', pinnedFolders: [], sync: { enabled: true } },
    };
    writeFileSync(settingsFilePath(folder), JSON.stringify(newer));
    const { store, problems } = openConf(folder);
    expect(nth(problems, 0).details).toMatchObject({
      reason: 'settings-repaired',
      newerVersion: true,
      lost: [],
    });
    expect(backups(folder)).toHaveLength(1);
    expect(new AppSettingsStore(store).all()).toEqual({
      ...defaultAppSettings,
      locale: 'en',
      theme: 'light',
      pinnedFolders: [],
    });
  });

  it('reports a file that holds something other than settings', () => {
    const folder = tempSettingsFolder();
    writeFileSync(settingsFilePath(folder), '["not", "settings"]');
    const { problems } = openConf(folder);
    expect(nth(problems, 0).details).toMatchObject({ reason: 'settings-reset', notJson: false });
    expect(backups(folder)).toHaveLength(1);
  });

  it('has the store itself refuse an invalid write (the schema is in the store options)', () => {
    const { store } = openConf(tempSettingsFolder());
    expect(() =>
      store.set('app', { locale: 'fr' as 'en', theme: 'dark', pinnedFolders: [] }),
    ).toThrow(/schema violation/);
  });
});
