import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { profileInputSchema, type ImportResult, type ProfileInput } from '../../../common/profile';
import type { NeededSecret } from '../../../common/secret-binding';
import {
  configFileCandidates,
  importCloudsYaml,
  importOpenrc,
  type StashSecret,
} from '../../../main/profiles/import';
import { parseOpenrc } from '../../../main/profiles/openrc';
import { ProfileStore } from '../../../main/profiles/store';
import { aesSecretBox, openConf, tempSettingsFolder } from './helpers';

const fixtures = join(import.meta.dirname, '../../fixtures/profiles');
const fixture = (name: string) => join(fixtures, name);

/** Stands in for ProfileStore.stashSecret and remembers what it was handed. */
const stashed = new Map<string, { kind: NeededSecret; secret: string; enteredFor: ProfileInput }>();
const stashSecret: StashSecret = (kind, secret, enteredFor) => {
  const reference = randomUUID();
  stashed.set(reference, { kind, secret, enteredFor: { ...enteredFor } });
  return reference;
};

/** The profiles with each secret reference swapped back for the secret, to compare whole profiles. */
function revealed(result: ImportResult): ProfileInput[] {
  return result.profiles.map(({ importedSecret, ...profile }) =>
    importedSecret === undefined
      ? profile
      : { ...profile, secret: stashed.get(importedSecret)?.secret },
  );
}

function problemsOf(result: ImportResult, cloud: string) {
  return result.problems
    .filter((problem) => problem.cloud === cloud)
    .map(({ field, message }) => ({ field, message }));
}

function expectValidation(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('validation');
    return error as AppError;
  }
  throw new Error('expected a validation error');
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the import to fail');
}

describe('importCloudsYaml', () => {
  it('imports several clouds, one profile per region, with secure.yaml merged by cloud name', async () => {
    const result = await importCloudsYaml({
      stashSecret,
      cloudsPath: fixture('clouds.yaml'),
      securePath: fixture('secure.yaml'),
    });
    expect(result.files).toEqual([fixture('clouds.yaml'), fixture('secure.yaml')]);
    expect(result.profiles.map((profile) => profile.name)).toEqual([
      'prod-fra (FRA1)',
      'prod-fra (FRA2)',
      'staging',
      'lab',
      'huawei-ims',
      'ci-uploader',
      'vexxhost',
      'mtls',
    ]);
    const byName = new Map(revealed(result).map((profile) => [profile.name, profile]));

    const prod = {
      authMethod: 'password',
      authUrl: 'https://keystone.fra.example.com:5000/v3',
      userName: 'alice',
      userDomainName: 'Default',
      projectName: 'images',
      projectDomainName: 'Default',
      caFile: '/etc/ssl/certs/example-root-ca.pem',
      secret: 'Fr@nkfurt-pr0d "2026"',
    };
    expect(byName.get('prod-fra (FRA1)')).toEqual({
      ...prod,
      name: 'prod-fra (FRA1)',
      region: 'FRA1',
      interface: 'public',
    });
    // The region's own values apply to that region only.
    expect(byName.get('prod-fra (FRA2)')).toEqual({
      ...prod,
      name: 'prod-fra (FRA2)',
      region: 'FRA2',
      interface: 'internal',
    });
    expect(byName.get('staging')).toEqual({
      name: 'staging',
      authMethod: 'application-credential',
      authUrl: 'https://keystone.staging.example.com/identity/v3',
      applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
      secret: 'kLmR3x_9vQ-appcred-secret-Zt5wP0aF',
      region: 'RegionOne',
      interface: 'internal',
      insecure: true,
    });
    // auth-url with a dash, tenant_name as the project, domain_name for both domains, endpoint_type.
    expect(byName.get('lab')).toEqual({
      name: 'lab',
      authMethod: 'password',
      authUrl: 'http://10.0.0.5:5000/v3',
      userName: 'admin',
      userDomainName: 'Default',
      projectName: 'admin',
      projectDomainName: 'Default',
      secret: 'k0lla-Adm1n-P4ss',
      region: 'RegionOne',
      interface: 'internal',
    });
    expect(byName.get('huawei-ims')).toEqual({
      name: 'huawei-ims',
      authMethod: 'token',
      authUrl: 'https://iam.cn-north-4.myhuaweicloud.com/v3',
      projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      secret: 'MIIZkgYJKoZIhvcNAQcCoIIZgzCCGX8CAQExDTALBglghkgBZQMEAgEwgg',
      region: 'cn-north-4',
      imageEndpoint: 'https://ims.cn-north-4.myhuaweicloud.com',
      interface: 'public',
    });

    // Complete profiles are ready to save as they are.
    for (const name of ['prod-fra (FRA1)', 'prod-fra (FRA2)', 'staging', 'lab', 'huawei-ims']) {
      expect(profileInputSchema.safeParse(byName.get(name)).success, name).toBe(true);
    }
  });

  it('hands out references instead of secrets, which the profile store resolves on save', async () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const result = await importCloudsYaml({
      cloudsPath: fixture('clouds.yaml'),
      securePath: fixture('secure.yaml'),
      stashSecret: (kind, secret, enteredFor) => store.stashSecret(kind, secret, enteredFor),
    });
    const serialised = JSON.stringify(result);
    for (const secret of [
      'Fr@nkfurt-pr0d',
      'kLmR3x_9vQ',
      'k0lla-Adm1n-P4ss',
      'MIIZkgYJKoZIhvcNAQcC',
    ]) {
      expect(serialised).not.toContain(secret);
    }
    const lab = result.profiles.find((profile) => profile.name === 'lab');
    expect(lab?.importedSecret).toMatch(/^[0-9a-f-]{36}$/);
    const saved = store.save(lab);
    expect(saved.secretState).toBe('stored');
    expect(store.resolveConnection(saved.id).auth).toMatchObject({ password: 'k0lla-Adm1n-P4ss' });
    // A reference is good for one save; a restart forgets them all.
    const again = expectValidation(() => store.save(lab));
    expect(again.message).toContain('found by the import is no longer available');
    // A secret is bound to the cloud it was found for: pointed elsewhere, it must be typed.
    const staging = result.profiles.find((profile) => profile.name === 'staging');
    const moved = expectValidation(() =>
      store.save({ ...staging, authUrl: 'https://keystone.evil.example/v3' }),
    );
    expect(moved.details).toEqual({
      reason: 'secret-needed',
      secret: 'application-credential',
      changed: 'authUrl',
    });
    expect(store.save(staging).secretState).toBe('stored');
  });

  it('reports everything it could not carry over, cloud by cloud', async () => {
    const result = await importCloudsYaml({
      stashSecret,
      cloudsPath: fixture('clouds.yaml'),
      securePath: fixture('secure.yaml'),
    });
    expect(problemsOf(result, 'prod-fra')).toEqual([
      { field: 'compute_api_version', message: 'Not used by Glance Desk; ignored.' },
    ]);
    expect(problemsOf(result, 'staging')).toEqual([]);
    expect(problemsOf(result, 'lab')).toEqual([
      { field: 'api_timeout', message: 'Not used by Glance Desk; ignored.' },
    ]);
    expect(problemsOf(result, 'ci-uploader')).toEqual([
      {
        field: 'application_credential_name',
        message:
          'Application credentials chosen by name and user ("ci-image-uploader") are not supported; enter the credential\'s ID.',
      },
      {
        field: 'application_credential_id',
        message: 'Enter the application credential ID. Complete it before saving.',
      },
    ]);
    // An unsupported sign-in method skips the cloud, with that one reason.
    expect(problemsOf(result, 'sso')).toEqual([
      { field: 'auth_type', message: 'OpenID Connect sign-in is not supported.' },
    ]);
    expect(result.profiles.some((profile) => profile.name === 'sso')).toBe(false);
    expect(problemsOf(result, 'vexxhost')).toEqual([
      {
        field: 'profile',
        message: 'Vendor profiles are not supported; only the settings written here were imported.',
      },
      {
        field: 'auth_url',
        message: 'Enter the authentication (Keystone) URL. Complete it before saving.',
      },
    ]);
    expect(problemsOf(result, 'mtls')).toEqual([
      { field: 'cert', message: 'Client certificates are not supported; ignored.' },
      { field: 'key', message: 'Client certificates are not supported; ignored.' },
      { field: 'password', message: 'No password in the file; you will need to enter it.' },
    ]);
  });

  it('reads the older spellings and reports old API versions and domain-only scopes', async () => {
    const folder = tempSettingsFolder();
    const clouds = join(folder, 'clouds.yaml');
    writeFileSync(
      clouds,
      [
        'clouds:',
        '  old:',
        '    auth_plugin: v3password',
        '    auth_url: https://keystone.old.example.com:5000/v3',
        '    username: erin',
        '    password: 0ld-Pa55',
        '    tenant_id: 9f8e7d6c5b4a39281706f5e4d3c2b1a0',
        '    default_domain_name: Legacy',
        '    region_name: East,West',
        '    identity_api_version: 2.0',
        '    image_api_version: 1',
        '  domain-admin:',
        '    auth:',
        '      auth_url: https://keystone.old.example.com:5000/v3',
        '      username: frank',
        '      password: d0main-Pa55',
        '      user_domain_name: Default',
        '      domain_id: 5e6f7a8b9c0d4e1f',
        '    system_scope: all',
        '  adm-token:',
        '    auth_type: admin_token',
        '    auth:',
        '      token: 0123456789abcdef',
        '      endpoint: http://glance.internal:9292',
        '    insecure: "True"',
      ].join('\n'),
    );
    const result = await importCloudsYaml({ stashSecret, cloudsPath: clouds, securePath: clouds });
    expect(revealed(result)).toEqual([
      expect.objectContaining({
        name: 'old (East)',
        authMethod: 'password',
        userName: 'erin',
        userDomainName: 'Legacy',
        projectId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
        secret: '0ld-Pa55',
        region: 'East',
      }),
      expect.objectContaining({ name: 'old (West)', region: 'West' }),
      expect.objectContaining({ name: 'domain-admin', userDomainName: 'Default' }),
      {
        name: 'adm-token',
        authMethod: 'token',
        secret: '0123456789abcdef',
        imageEndpoint: 'http://glance.internal:9292',
        interface: 'public',
        insecure: true,
      },
    ]);
    expect(problemsOf(result, 'old')).toEqual([
      {
        field: 'identity_api_version',
        message: 'Identity API 2 is not supported; Glance Desk uses v3.',
      },
      { field: 'image_api_version', message: 'Image API 1 is not supported; Glance Desk uses v2.' },
    ]);
    expect(problemsOf(result, 'domain-admin')).toEqual([
      { field: 'system_scope', message: 'System-scoped sign-in has no image service; ignored.' },
      {
        field: 'domain_id',
        message: 'A domain-scoped sign-in has no image service; add the project to use.',
      },
      {
        field: 'project_name',
        message: 'Enter the project name or project ID. Complete it before saving.',
      },
    ]);
    expect(problemsOf(result, 'adm-token')).toEqual([]);
  });

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
    const missing = await rejection(
      importCloudsYaml({ stashSecret, env, cwd, home, platform: 'linux' }),
    );
    expect(missing.kind).toBe('filesystem');
    expect(missing.message).toContain(join(home, '.config/openstack/clouds.yaml'));

    const configFolder = join(home, '.config/openstack');
    mkdirSync(configFolder, { recursive: true });
    copyFileSync(fixture('clouds.yaml'), join(configFolder, 'clouds.yaml'));
    copyFileSync(fixture('secure.yaml'), join(configFolder, 'secure.yaml'));
    const fromHome = await importCloudsYaml({ stashSecret, env, cwd, home, platform: 'linux' });
    expect(fromHome.files).toEqual([
      join(configFolder, 'clouds.yaml'),
      join(configFolder, 'secure.yaml'),
    ]);
    expect(revealed(fromHome)[0]?.secret).toBe('Fr@nkfurt-pr0d "2026"');

    // The working folder comes first, and the environment's file before everything.
    writeFileSync(
      join(cwd, 'clouds.yml'),
      'clouds:\n  here:\n    auth_type: v3token\n    auth:\n      auth_url: https://k.example.com/v3\n      token: t0k\n',
    );
    expect(
      (await importCloudsYaml({ stashSecret, env, cwd, home, platform: 'linux' })).files[0],
    ).toBe(join(cwd, 'clouds.yml'));
    const override = { OS_CLIENT_CONFIG_FILE: fixture('clouds.yaml') };
    const fromEnv = await importCloudsYaml({
      stashSecret,
      env: override,
      cwd,
      home,
      platform: 'linux',
    });
    expect(fromEnv.files[0]).toBe(fixture('clouds.yaml'));
  });

  it('merges the secure.yaml that sits beside a clouds.yaml the user picked', async () => {
    const folder = tempSettingsFolder();
    copyFileSync(fixture('clouds.yaml'), join(folder, 'clouds.yaml'));
    copyFileSync(fixture('secure.yaml'), join(folder, 'secure.yaml'));
    const result = await importCloudsYaml({
      stashSecret,
      cloudsPath: join(folder, 'clouds.yaml'),
      cwd: tempSettingsFolder(),
      home: tempSettingsFolder(),
      env: {},
    });
    expect(result.files).toEqual([join(folder, 'clouds.yaml'), join(folder, 'secure.yaml')]);
    expect(revealed(result).find((profile) => profile.name === 'staging')?.secret).toBe(
      'kLmR3x_9vQ-appcred-secret-Zt5wP0aF',
    );
  });

  it('rejects a file that is not clouds.yaml without quoting it', async () => {
    const folder = tempSettingsFolder();
    const broken = join(folder, 'clouds.yaml');
    writeFileSync(
      broken,
      'clouds:\n  prod:\n    auth:\n      password: "Unclosed-S3cret\n    region_name: [a\n',
    );
    const error = await rejection(
      importCloudsYaml({ stashSecret, cloudsPath: broken, securePath: broken }),
    );
    expect(error.kind).toBe('validation');
    expect(error.message).toMatch(/is not valid YAML \(line \d+, column \d+\)\.$/);
    expect(error.message).not.toContain('Unclosed-S3cret');

    const other = join(folder, 'other.yaml');
    writeFileSync(other, 'services:\n  - glance\n');
    expect(
      (await rejection(importCloudsYaml({ stashSecret, cloudsPath: other }))).message,
    ).toContain('has no "clouds:" section');
    expect(
      (await rejection(importCloudsYaml({ stashSecret, cloudsPath: join(folder, 'nope.yaml') })))
        .kind,
    ).toBe('filesystem');
  });
});

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
        message:
          'Set from $OS_PASSWORD_INPUT, which this file does not define (it is probably typed in or read from the terminal). Enter the value in the profile.',
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
      { field: 'OS_COMPUTE_API_VERSION', message: 'Not used by Glance Desk; ignored.' },
      { field: 'OS_PLACEMENT_API_VERSION', message: 'Not used by Glance Desk; ignored.' },
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
        message: 'A profile has one proxy: the one in https_proxy is used; this one is ignored.',
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
        message: 'Not an http:// or https:// proxy address; ignored.',
      },
    ]);
  });

  it('points at clouds.yaml when the file only selects a cloud', async () => {
    const folder = tempSettingsFolder();
    const file = join(folder, 'cloud.sh');
    writeFileSync(file, 'export OS_CLOUD=prod-fra\n');
    const result = await importOpenrc(file, { stashSecret, env: {} });
    expect(result.profiles).toEqual([]);
    expect(result.problems.map((problem) => problem.field)).toEqual(['OS_CLOUD', 'OS_AUTH_URL']);
    expect(result.problems[0]?.message).toContain('import clouds.yaml');
  });
});

describe('parseOpenrc', () => {
  it('handles the quoting, expansion and unset forms openrc files use', () => {
    const { variables, unresolved } = parseOpenrc(
      [
        '#!/bin/sh',
        '# export OS_COMMENTED=out',
        'export A=\'single $NOT_EXPANDED "x"\'',
        'export B="double ${A} and $HOME \\"q\\" \\$5"',
        'C=bare\\ word # trailing comment',
        'export D=$MISSING/suffix',
        'export E=first; export IGNORED=after-semicolon',
        'export F=gone',
        'unset F',
        'export G="$UNKNOWN"',
        'export G=fixed',
        'echo "export H=not-an-assignment"',
        '  export  I=  ',
      ].join('\n'),
      (name) => (name === 'HOME' ? '/home/u' : undefined),
    );
    expect(Object.fromEntries(variables)).toEqual({
      A: 'single $NOT_EXPANDED "x"',
      B: 'double single $NOT_EXPANDED "x" and /home/u "q" $5',
      C: 'bare word',
      E: 'first',
      G: 'fixed',
      I: '',
    });
    expect(Object.fromEntries(unresolved)).toEqual({ D: '$MISSING' });
  });
});
