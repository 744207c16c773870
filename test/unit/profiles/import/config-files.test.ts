import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configFileCandidates,
  findConfigFiles,
  readConfigFile,
} from '../../../../main/profiles/import/config-files';
import { tempSettingsFolder } from '../helpers';
import { fixture, rejection } from './helpers';

const cloudsYml =
  'clouds:\n  here:\n    auth_type: v3token\n    auth:\n      auth_url: https://k.example.com/v3\n      token: t0k\n';

describe('where the clouds.yaml and secure.yaml are found', () => {
  it('searches OS_CLIENT_CONFIG_FILE, then the working folder, then ~/.config/openstack, then /etc/openstack', async () => {
    const home = tempSettingsFolder();
    const cwd = tempSettingsFolder();
    const env = {};
    expect(configFileCandidates('clouds', { env, cwd, home, platform: 'linux' })).toEqual([
      join(cwd, 'clouds.yaml'),
      join(cwd, 'clouds.yml'),
      join(cwd, 'clouds.json'),
      join(home, '.config/openstack/clouds.yaml'),
      join(home, '.config/openstack/clouds.yml'),
      join(home, '.config/openstack/clouds.json'),
      '/etc/openstack/clouds.yaml',
      '/etc/openstack/clouds.yml',
      '/etc/openstack/clouds.json',
    ]);

    // Nothing there yet: the error says where it looked.
    const missing = await rejection(findConfigFiles({ env, cwd, home, platform: 'linux' }));
    expect(missing.kind).toBe('filesystem');
    expect(missing.details).toMatchObject({
      reason: 'no-clouds-yaml',
      looked: expect.arrayContaining([join(home, '.config/openstack/clouds.yaml')]),
    });

    const configFolder = join(home, '.config/openstack');
    mkdirSync(configFolder, { recursive: true });
    copyFileSync(fixture('clouds.yaml'), join(configFolder, 'clouds.yaml'));
    copyFileSync(fixture('secure.yaml'), join(configFolder, 'secure.yaml'));
    const fromHome = await findConfigFiles({ env, cwd, home, platform: 'linux' });
    expect(fromHome.clouds.path).toBe(join(configFolder, 'clouds.yaml'));
    expect(fromHome.secure?.path).toBe(join(configFolder, 'secure.yaml'));
    expect(fromHome.secure?.text).toContain('Fr@nkfurt-pr0d "2026"');

    // The working folder comes first, and the environment's file before everything.
    writeFileSync(join(cwd, 'clouds.yml'), cloudsYml);
    expect((await findConfigFiles({ env, cwd, home, platform: 'linux' })).clouds).toEqual({
      path: join(cwd, 'clouds.yml'),
      text: cloudsYml,
    });
    const override = { OS_CLIENT_CONFIG_FILE: fixture('clouds.yaml') };
    const fromEnv = await findConfigFiles({ env: override, cwd, home, platform: 'linux' });
    expect(fromEnv.clouds.path).toBe(fixture('clouds.yaml'));
  });

  it('searches the folders of macOS, Windows and XDG_CONFIG_HOME, and OS_CLIENT_SECURE_FILE first', () => {
    const search = { cwd: '/work', home: '/home/me' };
    const folders = (candidates: string[]) => [
      ...new Set(candidates.map((path) => path.slice(0, path.lastIndexOf('/')))),
    ];
    expect(
      folders(configFileCandidates('clouds', { ...search, env: {}, platform: 'darwin' })),
    ).toEqual([
      '/work',
      '/home/me/Library/Application Support/openstack',
      '/home/me/.config/openstack',
      '/etc/openstack',
    ]);
    expect(
      folders(
        configFileCandidates('secure', {
          ...search,
          env: { XDG_CONFIG_HOME: '/home/me/.config', OS_CLIENT_SECURE_FILE: '/keys/s.yaml' },
          platform: 'linux',
        }),
      ),
    ).toEqual(['/keys', '/work', '/home/me/.config/openstack', '/etc/openstack']);
    const windows = configFileCandidates('secure', {
      ...search,
      env: { LOCALAPPDATA: '/appdata' },
      platform: 'win32',
    });
    expect(windows).toContain(join('/appdata', 'OpenStack', 'openstack', 'secure.yaml'));
    expect(windows.every((path) => /\/secure\.(yaml|yml|json)$/.test(path))).toBe(true);
  });

  it('takes the secure.yaml beside a picked clouds.yaml, or the one the user picked', async () => {
    const folder = tempSettingsFolder();
    const clouds = join(folder, 'clouds.yaml');
    writeFileSync(clouds, cloudsYml);
    const elsewhere = { cwd: tempSettingsFolder(), home: tempSettingsFolder(), env: {} };
    expect(await findConfigFiles({ cloudsPath: clouds, ...elsewhere })).toEqual({
      clouds: { path: clouds, text: cloudsYml },
    });

    writeFileSync(join(folder, 'secure.yml'), 'clouds: {}\n');
    expect((await findConfigFiles({ cloudsPath: clouds, ...elsewhere })).secure?.path).toBe(
      join(folder, 'secure.yml'),
    );
    const picked = join(tempSettingsFolder(), 'my-secrets.yaml');
    writeFileSync(picked, 'clouds: {}\n');
    expect(
      (await findConfigFiles({ cloudsPath: clouds, securePath: picked, ...elsewhere })).secure
        ?.path,
    ).toBe(picked);
  });

  it('says which picked file does not exist, and which path could not be read', async () => {
    const folder = tempSettingsFolder();
    const missing = await rejection(findConfigFiles({ cloudsPath: join(folder, 'nope.yaml') }));
    expect(missing.kind).toBe('filesystem');
    expect(missing.details).toEqual({ reason: 'path-missing', path: join(folder, 'nope.yaml') });

    // A folder where the file should be is not "missing": it cannot be read.
    const unreadable = await rejection(readConfigFile(folder));
    expect(unreadable.kind).toBe('filesystem');
    expect(unreadable.details).toEqual({ reason: 'file-error', path: folder, code: 'EISDIR' });
    expect(await readConfigFile(join(folder, 'nope.yaml'))).toBeUndefined();
  });
});
