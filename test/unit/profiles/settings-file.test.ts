import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileStore } from '../../../main/profiles/store';
import { AppSettingsStore } from '../../../main/settings/app-settings';
import { settingsFilePath } from '../../../main/settings/settings-file';
import { aesSecretBox, nth, openConf, tempSettingsFolder } from './helpers';

const fixtures = join(import.meta.dirname, '../../fixtures/profiles');
/** The key the v1 fixture's `encryptedPassword` was made with. */
const v1Key = Buffer.from('glance-desk-v1-fixture-key-32byt');

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
      locale: 'system',
      theme: 'system',
      pinnedFolders: [],
    });
    expect(JSON.parse(readFileSync(settingsFilePath(folder), 'utf8'))).toMatchObject({
      version: 2,
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
      locale: 'zh-CN',
      theme: 'dark',
      pinnedFolders: ['/home/li.wei/镜像下载'],
      lastProfileId: '7c0f3b52-5d3e-4b8e-9a51-0d6f2f1c9e11',
    });

    // The file itself is now version 2, and reopening it is uneventful.
    expect(JSON.parse(readFileSync(settingsFilePath(folder), 'utf8')).version).toBe(2);
    expect(openConf(folder).problems).toEqual([]);
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
    expect(problem.details).toEqual({ backupPath: join(folder, backup) });
    expect(readFileSync(join(folder, backup), 'utf8')).toBe(damaged);

    const profiles = new ProfileStore(store, aesSecretBox(), problems);
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
    expect(nth(problems, 0).message).toContain('damaged or edited by hand');
    expect(nth(problems, 0).message).toContain('Left out: profile "staging"; the theme setting.');
    const backup = nth(backups(folder), 0);
    expect(readFileSync(join(folder, backup), 'utf8')).toBe(original);

    const list = new ProfileStore(store, aesSecretBox()).list();
    expect(list.map((profile) => profile.name)).toEqual(['prod', 'prod copy']);
    // The copied entry clashed with prod's id: it keeps its data under a new one.
    expect(nth(list, 0).id).toBe('0b1c2d3e-0000-4000-8000-000000000001');
    expect(nth(list, 1).id).not.toBe(nth(list, 0).id);
    expect(new AppSettingsStore(store).all()).toEqual({
      locale: 'zh-CN',
      theme: 'system',
      pinnedFolders: ['/srv/images'],
    });
  });

  it('keeps a copy of settings written by a newer version before using what it can', () => {
    const folder = tempSettingsFolder();
    const newer = {
      version: 3,
      profiles: [],
      app: { locale: 'en', theme: 'light', pinnedFolders: [], sync: { enabled: true } },
    };
    writeFileSync(settingsFilePath(folder), JSON.stringify(newer));
    const { store, problems } = openConf(folder);
    expect(nth(problems, 0).message).toMatch(
      /written by a newer version.*Everything in it could still be used/,
    );
    expect(backups(folder)).toHaveLength(1);
    expect(new AppSettingsStore(store).all()).toEqual({
      locale: 'en',
      theme: 'light',
      pinnedFolders: [],
    });
  });

  it('reports a file that holds something other than settings', () => {
    const folder = tempSettingsFolder();
    writeFileSync(settingsFilePath(folder), '["not", "settings"]');
    const { problems } = openConf(folder);
    expect(nth(problems, 0).message).toContain('damaged (it does not hold settings)');
    expect(backups(folder)).toHaveLength(1);
  });

  it('has the store itself refuse an invalid write (the schema is in the store options)', () => {
    const { store } = openConf(tempSettingsFolder());
    expect(() =>
      store.set('app', { locale: 'fr' as 'en', theme: 'dark', pinnedFolders: [] }),
    ).toThrow(/schema violation/);
  });
});
