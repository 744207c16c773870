import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileInputSchema } from '../../../../common/profile';
import {
  importCloudsYaml,
  mergeDeep,
  parseCloudsFile,
} from '../../../../main/profiles/import/clouds-yaml';
import { ProfileStore } from '../../../../main/profiles/store';
import { aesSecretBox, openConf, tempSettingsFolder } from '../helpers';
import { expectValidation, fixture, problemsOf, rejection, revealed, stashSecret } from './helpers';

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
      { field: 'compute_api_version', code: 'not-used' },
    ]);
    expect(problemsOf(result, 'staging')).toEqual([]);
    expect(problemsOf(result, 'lab')).toEqual([{ field: 'api_timeout', code: 'not-used' }]);
    expect(problemsOf(result, 'ci-uploader')).toEqual([
      {
        field: 'application_credential_name',
        code: 'credential-by-name',
        credentialName: 'ci-image-uploader',
      },
      {
        field: 'application_credential_id',
        code: 'incomplete',
        profileField: 'applicationCredentialId',
        missing: true,
      },
    ]);
    // An unsupported sign-in method skips the cloud, with that one reason.
    expect(problemsOf(result, 'sso')).toEqual([
      {
        field: 'auth_type',
        code: 'unsupported-sign-in',
        authType: 'v3oidcpassword',
        signIn: 'openid-connect',
      },
    ]);
    expect(result.profiles.some((profile) => profile.name === 'sso')).toBe(false);
    // VEXXHOST's openstacksdk profile is remote: its settings are on its web site, not fetched.
    expect(problemsOf(result, 'vexxhost')).toEqual([
      {
        field: 'profile',
        code: 'remote-vendor-profile',
        profile: 'vexxhost',
        site: 'https://vexxhost.com',
      },
      {
        field: 'auth_url',
        code: 'incomplete',
        profileField: 'authUrl',
        missing: true,
      },
    ]);
    expect(problemsOf(result, 'mtls')).toEqual([
      { field: 'cert', code: 'client-certificate' },
      { field: 'key', code: 'client-certificate' },
      { field: 'password', code: 'secret-not-in-file', secret: 'password' },
    ]);
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
    expect(error.details).toEqual({
      reason: 'not-yaml',
      path: broken,
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(JSON.stringify(error.toJSON())).not.toContain('Unclosed-S3cret');

    const other = join(folder, 'other.yaml');
    writeFileSync(other, 'services:\n  - glance\n');
    expect((await rejection(importCloudsYaml({ stashSecret, cloudsPath: other }))).details).toEqual(
      { reason: 'not-clouds-yaml', path: other },
    );
    expect(
      (await rejection(importCloudsYaml({ stashSecret, cloudsPath: join(folder, 'nope.yaml') })))
        .kind,
    ).toBe('filesystem');
  });

  it('skips an entry that is not a cloud, saying so, and imports the others', async () => {
    const folder = tempSettingsFolder();
    const clouds = join(folder, 'clouds.yaml');
    writeFileSync(
      clouds,
      'clouds:\n  odd: just-a-string\n  fine:\n    auth_type: token\n    auth:\n      auth_url: https://k.example.com/v3\n      token: t0k\n',
    );
    const result = await importCloudsYaml({ stashSecret, cloudsPath: clouds, securePath: clouds });
    expect(result.profiles.map((profile) => profile.name)).toEqual(['fine']);
    expect(result.problems).toEqual([{ cloud: 'odd', field: 'odd', code: 'not-a-cloud' }]);
  });
});

describe('parseCloudsFile', () => {
  it('reads JSON too, since openstacksdk accepts clouds.json', () => {
    expect(parseCloudsFile('clouds.json', '{"clouds": {"a": {"region_name": "r"}}}')).toEqual({
      a: { region_name: 'r' },
    });
  });

  it('rejects a clouds: that is not a mapping', () => {
    expect(() => parseCloudsFile('clouds.yaml', 'clouds:\n  - a\n')).toThrow(
      'has no "clouds:" section',
    );
  });
});

describe('mergeDeep', () => {
  it('merges nested mappings and lets the second file win for everything else', () => {
    const clouds = {
      prod: { auth: { username: 'alice', password: 'old' }, regions: ['a', 'b'] },
      lab: { region_name: 'one' },
    };
    const secure = {
      prod: { auth: { password: 'new' }, regions: ['c'] },
      extra: { auth: { token: 't' } },
    };
    expect(mergeDeep(clouds, secure)).toEqual({
      prod: { auth: { username: 'alice', password: 'new' }, regions: ['c'] },
      lab: { region_name: 'one' },
      extra: { auth: { token: 't' } },
    });
    // Neither input is changed.
    expect(clouds.prod.auth.password).toBe('old');
  });
});
