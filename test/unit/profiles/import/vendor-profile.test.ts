import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilesFromCloud } from '../../../../main/profiles/import/cloud-to-profile';
import { importCloudsYaml } from '../../../../main/profiles/import/clouds-yaml';
import { findConfigFiles } from '../../../../main/profiles/import/config-files';
import { tempSettingsFolder } from '../helpers';
import { revealed, stashSecret, withoutCloud } from './helpers';

const otcUser = {
  auth: {
    username: 'image-admin',
    password: 'pw',
    user_domain_name: 'OTC-EU-DE-1',
    project_name: 'eu-de',
    project_domain_name: 'OTC-EU-DE-1',
  },
};

describe('a cloud with a vendor profile', () => {
  it('takes the vendor’s auth URL per region, its regions and interface, and says nothing of its other keys', () => {
    const { profiles, problems } = profilesFromCloud('otc', { profile: 'otc', ...otcUser });
    expect(
      profiles.map(({ name, authUrl, region, interface: iface, provider }) => ({
        name,
        authUrl,
        region,
        iface,
        provider,
      })),
    ).toEqual([
      {
        name: 'otc (eu-de)',
        authUrl: 'https://iam.eu-de.otc.t-systems.com/v3',
        region: 'eu-de',
        iface: 'public',
        provider: 'otc',
      },
      {
        name: 'otc (eu-nl)',
        authUrl: 'https://iam.eu-nl.otc.t-systems.com/v3',
        region: 'eu-nl',
        iface: 'public',
        provider: 'otc',
      },
    ]);
    expect(problems).toEqual([]);
  });

  it('lets the cloud’s own settings win, and reads the old `cloud:` key too', () => {
    const { profiles } = profilesFromCloud('mine', {
      cloud: 'ovh',
      region_name: 'GRA7',
      auth: { username: 'u', password: 'p', project_id: 'abc', user_domain_name: 'Mine' },
    });
    expect(profiles).toEqual([
      {
        name: 'mine',
        provider: 'ovh',
        authMethod: 'password',
        interface: 'public',
        authUrl: 'https://auth.cloud.ovh.net/',
        region: 'GRA7',
        userName: 'u',
        userDomainName: 'Mine',
        projectId: 'abc',
        projectDomainName: 'Default',
        secret: 'p',
      },
    ]);
  });

  it('reports a vendor nobody knows and a remote one, and imports what the cloud itself says', () => {
    const unknown = profilesFromCloud('x', {
      profile: 'nimbus',
      auth: { auth_url: 'https://k.example.com/v3', token: 't' },
      auth_type: 'token',
    });
    expect(unknown.problems.map(withoutCloud)).toEqual([
      { field: 'profile', code: 'unknown-vendor-profile', profile: 'nimbus' },
    ]);
    expect(unknown.profiles[0]?.authUrl).toBe('https://k.example.com/v3');
    expect(unknown.profiles[0]?.provider).toBeUndefined();

    const remote = profilesFromCloud('y', { profile: 'https://cloud.example.com', ...otcUser });
    expect(remote.problems.map(withoutCloud)).toEqual([
      {
        field: 'profile',
        code: 'remote-vendor-profile',
        profile: 'https://cloud.example.com',
        site: 'https://cloud.example.com',
      },
      { field: 'auth_url', code: 'incomplete', profileField: 'authUrl', missing: true },
    ]);
    expect(
      profilesFromCloud('z', { profile: 42, ...otcUser }).problems.map(withoutCloud),
    ).toContainEqual({ field: 'profile', code: 'not-a-single-value' });
  });

  it('puts no region into the auth URL that could change where it leads', () => {
    const { profiles, problems } = profilesFromCloud('odd', {
      profile: 'otc',
      region_name: 'evil.example.com/x',
      ...otcUser,
    });
    expect(profiles[0]?.authUrl).toBeUndefined();
    expect(problems.map(withoutCloud)).toEqual([
      { field: 'auth_url', code: 'region-not-in-url', region: 'evil.example.com/x' },
      { field: 'auth_url', code: 'incomplete', profileField: 'authUrl', missing: true },
    ]);
  });

  it('reports the keys the cloud itself wrote that are not used, never the vendor’s', () => {
    const { problems } = profilesFromCloud('otc', {
      profile: 'otc',
      region_name: 'eu-de',
      compute_api_version: '2.1',
      ...otcUser,
    });
    expect(problems.map(withoutCloud)).toEqual([
      { field: 'compute_api_version', code: 'not-used' },
    ]);
  });

  it('fills both domains from domain_id / domain_name only for a project, and only where not given', () => {
    const [profile] = profilesFromCloud('d', {
      auth: {
        auth_url: 'https://k.example.com/v3',
        username: 'u',
        password: 'p',
        user_domain_name: 'Users',
        domain_id: 'd1',
        'tenant-name': 'legacy',
      },
    }).profiles;
    expect(profile).toMatchObject({
      userDomainName: 'Users',
      userDomainId: 'd1',
      projectName: 'legacy',
      projectDomainId: 'd1',
    });
    expect(profile?.projectDomainName).toBeUndefined();
  });
});

describe('clouds.yaml read as openstacksdk’s PyYAML reads it', () => {
  it('takes YAML 1.1 booleans, ids written as long numbers, and hyphenated keys', async () => {
    const folder = tempSettingsFolder();
    const clouds = join(folder, 'clouds.yaml');
    writeFileSync(
      clouds,
      [
        'clouds:',
        '  lab:',
        '    auth:',
        '      auth-url: https://k.example.com/v3',
        '      user_id: 12345678901234567890123456789012',
        '      password: pw',
        '      project-id: 98765432109876543210987654321098',
        '    region-name: RegionOne',
        '    verify: no',
        '',
      ].join('\n'),
    );
    const result = await importCloudsYaml({ stashSecret, cloudsPath: clouds, securePath: clouds });
    expect(revealed(result)).toEqual([
      {
        name: 'lab',
        authMethod: 'password',
        interface: 'public',
        authUrl: 'https://k.example.com/v3',
        userId: '12345678901234567890123456789012',
        projectId: '98765432109876543210987654321098',
        region: 'RegionOne',
        insecure: true,
        secret: 'pw',
      },
    ]);
  });

  it('takes vendor profiles from the clouds-public.yaml beside it, before openstacksdk’s own', async () => {
    const folder = tempSettingsFolder();
    const clouds = join(folder, 'clouds.yaml');
    writeFileSync(
      clouds,
      'clouds:\n  a:\n    profile: otc\n    auth:\n      username: u\n      password: p\n      project_id: x\n      user_domain_id: d\n',
    );
    writeFileSync(
      join(folder, 'clouds-public.yaml'),
      'public-clouds:\n  otc:\n    auth:\n      auth_url: https://keystone.{region_name}.private.example/v3\n    regions: [one]\n',
    );
    const result = await importCloudsYaml({
      stashSecret,
      cloudsPath: clouds,
      securePath: clouds,
      cwd: tempSettingsFolder(),
      home: tempSettingsFolder(),
      env: {},
    });
    expect(result.files).toEqual([clouds, clouds, join(folder, 'clouds-public.yaml')]);
    expect(
      result.profiles.map(({ authUrl, region, provider }) => ({ authUrl, region, provider })),
    ).toEqual([
      // The user's own vendor of that name, not openstacksdk's: not a known provider either.
      { authUrl: 'https://keystone.one.private.example/v3', region: 'one', provider: undefined },
    ]);
  });

  it('finds clouds-public.yaml where openstacksdk does', async () => {
    const home = tempSettingsFolder();
    const cwd = tempSettingsFolder();
    const configFolder = join(home, '.config/openstack');
    mkdirSync(configFolder, { recursive: true });
    writeFileSync(join(configFolder, 'clouds.yaml'), 'clouds: {}\n');
    writeFileSync(join(configFolder, 'clouds-public.yml'), 'public-clouds: {}\n');
    const found = await findConfigFiles({ env: {}, cwd, home, platform: 'linux' });
    expect(found.vendors?.path).toBe(join(configFolder, 'clouds-public.yml'));
  });
});
