import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpenrc } from '../../../../main/profiles/import/openrc';
import { ProfileStore } from '../../../../main/profiles/store';
import { aesSecretBox, openConf, tempSettingsFolder } from '../helpers';
import { fixture, problemsOf, rejection, revealed, stashSecret } from './helpers';

describe('importOpenrc', () => {
  it("imports Horizon's openrc and reports the password it reads from the terminal", async () => {
    const result = await importOpenrc(fixture('images-openrc.sh'), { stashSecret, env: {} });
    expect(result.profiles).toEqual([
      {
        name: 'images',
        authMethod: 'password',
        authUrl: 'https://keystone.fra.example.com:5000/v3',
        projectId: '4b5e7f1a2c3d4e5f6a7b8c9d0e1f2a3b',
        projectName: 'images',
        projectDomainId: 'default',
        userName: 'alice',
        userDomainName: 'Default',
        region: 'FRA1',
        interface: 'public',
      },
    ]);
    expect(result.problems).toEqual([
      {
        cloud: 'images',
        field: 'OS_PASSWORD',
        code: 'unresolved-variable',
        reference: '$OS_PASSWORD_INPUT',
      },
    ]);
  });

  it("imports Horizon's application-credential openrc", async () => {
    const result = await importOpenrc(fixture('staging-app-cred-openrc.sh'), {
      stashSecret,
      env: {},
    });
    expect(result.problems).toEqual([]);
    expect(result.files).toEqual([fixture('staging-app-cred-openrc.sh')]);
    expect(revealed(result)).toEqual([
      {
        name: 'staging-app-cred',
        authMethod: 'application-credential',
        authUrl: 'https://keystone.staging.example.com/identity/v3',
        applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
        secret: 'kLmR3x_9vQ-appcred-secret-Zt5wP0aF',
        region: 'RegionOne',
        interface: 'public',
      },
    ]);
  });

  it('reads quoting, comments and variables of a generated admin-openrc, reporting unused variables', async () => {
    const result = await importOpenrc(fixture('admin-openrc.sh'), {
      stashSecret,
      env: { HOME: '/home/ops' },
    });
    expect(revealed(result)).toEqual([
      {
        name: 'admin',
        authMethod: 'password',
        authUrl: 'http://10.0.0.5:5000',
        userName: 'admin',
        userDomainName: 'Default',
        projectName: 'admin',
        projectDomainName: 'Default',
        secret: 'k0lla-Adm1n-P4ss$!',
        region: 'RegionOne',
        interface: 'internal',
        caFile: '/home/ops/.config/openstack/kolla-ca.pem',
      },
    ]);
    expect(problemsOf(result, 'admin')).toEqual([
      { field: 'OS_COMPUTE_API_VERSION', code: 'not-used' },
      { field: 'OS_PLACEMENT_API_VERSION', code: 'not-used' },
    ]);
  });

  it('takes the proxy the file sets, with its user name and password stashed as a secret', async () => {
    const folder = tempSettingsFolder();
    const file = join(folder, 'proxied-openrc.sh');
    writeFileSync(
      file,
      [
        'export OS_AUTH_URL=https://keystone.example.com:5000/v3',
        'export OS_USERNAME=alice',
        'export OS_PASSWORD=alice-pass',
        'export OS_USER_DOMAIN_NAME=Default',
        'export OS_PROJECT_NAME=images',
        'export OS_PROJECT_DOMAIN_NAME=Default',
        'export https_proxy=http://ops:Pr0xy-pass@proxy.corp.example.com:3128',
        'export http_proxy=http://plain-proxy.corp.example.com:8080',
        '',
      ].join('\n'),
    );
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const result = await importOpenrc(file, {
      env: {},
      stashSecret: (kind, secret, enteredFor) => store.stashSecret(kind, secret, enteredFor),
    });
    expect(JSON.stringify(result)).not.toContain('Pr0xy-pass');
    const [profile] = result.profiles;
    expect(profile).toMatchObject({
      authUrl: 'https://keystone.example.com:5000/v3',
      proxy: 'http://proxy.corp.example.com:3128',
      importedSecret: expect.any(String),
      importedProxyCredentials: expect.any(String),
    });
    // One proxy per profile: the one for the auth URL's scheme; the other is reported, unquoted.
    expect(result.problems).toEqual([
      {
        cloud: 'proxied',
        field: 'http_proxy',
        code: 'one-proxy',
        chosen: 'https_proxy',
      },
    ]);
    const saved = store.save(profile);
    expect(saved).toMatchObject({ proxyCredentials: 'stored', secretState: 'stored' });
    expect(store.resolveConnection(saved.id)).toMatchObject({
      proxy: 'http://ops:Pr0xy-pass@proxy.corp.example.com:3128/',
      auth: { password: 'alice-pass' },
    });
  });

  it('reports a proxy variable that is no http(s) address without quoting it', async () => {
    const folder = tempSettingsFolder();
    const file = join(folder, 'socks-openrc.sh');
    writeFileSync(
      file,
      'export OS_AUTH_URL=http://10.0.0.5:5000/v3\nexport OS_TOKEN=t\nexport HTTP_PROXY=socks5://u:secret@proxy:1080\n',
    );
    const result = await importOpenrc(file, { stashSecret, env: {} });
    expect(result.profiles[0]).not.toHaveProperty('proxy');
    expect(result.profiles[0]).not.toHaveProperty('importedProxyCredentials');
    expect(result.problems).toEqual([
      {
        cloud: 'socks',
        field: 'HTTP_PROXY',
        code: 'proxy-not-http',
      },
    ]);
  });

  it('points at clouds.yaml when the file only selects a cloud', async () => {
    const folder = tempSettingsFolder();
    const file = join(folder, 'cloud.sh');
    writeFileSync(file, 'export OS_CLOUD=prod-fra\n');
    const result = await importOpenrc(file, { stashSecret, env: {} });
    expect(result.profiles).toEqual([]);
    expect(result.problems).toEqual([
      { cloud: 'cloud', field: 'OS_CLOUD', code: 'points-at-clouds-yaml', value: 'prod-fra' },
      { cloud: 'cloud', field: 'OS_AUTH_URL', code: 'nothing-to-import' },
    ]);
  });

  it('says so when the file does not exist', async () => {
    const path = join(tempSettingsFolder(), 'gone-openrc.sh');
    const error = await rejection(importOpenrc(path, { stashSecret, env: {} }));
    expect(error.kind).toBe('filesystem');
    expect(error.details).toEqual({ reason: 'path-missing', path });
  });
});
