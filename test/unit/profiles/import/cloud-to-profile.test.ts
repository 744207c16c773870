import { describe, expect, it } from 'vitest';
import type { ImportProblem, ProfileInput } from '../../../../common/profile';
import { profilesFromCloud } from '../../../../main/profiles/import/cloud-to-profile';
import { problemsOf, withoutCloud } from './helpers';

/** Every cloud of a clouds.yaml's `clouds:` mapping, as the import reads them. */
function fromClouds(clouds: Record<string, Record<string, unknown>>) {
  const profiles: ProfileInput[] = [];
  const problems: ImportProblem[] = [];
  for (const [name, cloud] of Object.entries(clouds)) {
    const found = profilesFromCloud(name, cloud);
    profiles.push(...found.profiles);
    problems.push(...found.problems);
  }
  return { profiles, problems };
}

const authUrl = 'https://keystone.example.com:5000/v3';

describe('profilesFromCloud', () => {
  it('reads the older spellings and reports old API versions and domain-only scopes', () => {
    const result = fromClouds({
      old: {
        auth_plugin: 'v3password',
        auth_url: 'https://keystone.old.example.com:5000/v3',
        username: 'erin',
        password: '0ld-Pa55',
        tenant_id: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
        default_domain_name: 'Legacy',
        region_name: 'East,West',
        identity_api_version: 2.0,
        image_api_version: 1,
      },
      'domain-admin': {
        auth: {
          auth_url: 'https://keystone.old.example.com:5000/v3',
          username: 'frank',
          password: 'd0main-Pa55',
          user_domain_name: 'Default',
          domain_id: '5e6f7a8b9c0d4e1f',
        },
        system_scope: 'all',
      },
      'adm-token': {
        auth_type: 'admin_token',
        auth: { token: '0123456789abcdef', endpoint: 'http://glance.internal:9292' },
        insecure: 'True',
      },
    });
    expect(result.profiles).toEqual([
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
        code: 'identity-api-version',
        version: '2',
      },
      { field: 'image_api_version', code: 'image-api-version', version: '1' },
    ]);
    expect(problemsOf(result, 'domain-admin')).toEqual([
      { field: 'system_scope', code: 'system-scope' },
      {
        field: 'domain_id',
        code: 'domain-scope',
      },
      {
        field: 'project_name',
        code: 'incomplete',
        profileField: 'projectName',
        missing: true,
      },
    ]);
    expect(problemsOf(result, 'adm-token')).toEqual([]);
  });

  it("applies a region's values to that region only, and reports the cloud's problems once", () => {
    const result = profilesFromCloud('multi', {
      'auth-type': 'token',
      auth: { 'auth-url': authUrl, token: 't0k' },
      regions: ['one', { name: 'two', values: { 'image-endpoint-override': 'https://img.two' } }],
      api_timeout: 30,
    });
    expect(result.profiles).toEqual([
      {
        name: 'multi (one)',
        authMethod: 'token',
        authUrl,
        secret: 't0k',
        region: 'one',
        interface: 'public',
      },
      {
        name: 'multi (two)',
        authMethod: 'token',
        authUrl,
        secret: 't0k',
        region: 'two',
        imageEndpoint: 'https://img.two',
        interface: 'public',
      },
    ]);
    expect(result.problems).toEqual([{ cloud: 'multi', field: 'api_timeout', code: 'not-used' }]);
  });

  it('names the fields of its problems as the file spells them', () => {
    const result = profilesFromCloud(
      'rc',
      { auth_url: authUrl, token: 't0k', compute_api_version: '2.79' },
      (key) => `OS_${key.toUpperCase()}`,
    );
    expect(result.problems).toEqual([
      {
        cloud: 'rc',
        field: 'OS_COMPUTE_API_VERSION',
        code: 'not-used',
      },
    ]);
  });

  it('reports values of the wrong shape and keeps what it can', () => {
    const result = profilesFromCloud('odd', {
      auth: 'not-a-mapping',
      auth_type: 'token',
      auth_url: authUrl,
      token: 't0k',
      username: ['a', 'b'],
      regions: 'RegionOne',
      interface: 'sideways',
    });
    expect(result.profiles).toEqual([
      { name: 'odd', authMethod: 'token', authUrl, secret: 't0k', interface: 'public' },
    ]);
    expect(result.problems.map(withoutCloud)).toEqual([
      { field: 'regions', code: 'regions-not-a-list' },
      { field: 'auth', code: 'not-a-mapping' },
      { field: 'interface', code: 'unknown-interface', value: 'sideways' },
    ]);

    const regions = profilesFromCloud('listed', {
      auth_type: 'token',
      auth_url: authUrl,
      token: 't0k',
      regions: [7, ' ', 'ok'],
    });
    expect(regions.profiles.map((profile) => profile.region)).toEqual(['ok']);
    expect(regions.problems.map(withoutCloud)).toEqual([
      {
        field: 'regions',
        code: 'bad-region-entry',
      },
      {
        field: 'regions',
        code: 'bad-region-entry',
      },
    ]);
  });

  it('skips a cloud whose sign-in method is unknown, with that one reason', () => {
    const result = profilesFromCloud('saml', {
      auth_type: 'v3fancy',
      auth_url: authUrl,
      compute_api_version: '2',
    });
    expect(result.profiles).toEqual([]);
    expect(result.problems).toEqual([
      {
        cloud: 'saml',
        field: 'auth_type',
        code: 'unsupported-sign-in',
        authType: 'v3fancy',
        signIn: 'other',
      },
    ]);
  });

  it('reports what an application credential or a password sign-in does not use', () => {
    const credential = profilesFromCloud('ac', {
      auth: {
        auth_url: authUrl,
        application_credential_id: 'c0ffee',
        application_credential_secret: 's3cret',
        username: 'alice',
      },
    });
    expect(credential.profiles[0]).toMatchObject({
      authMethod: 'application-credential',
      applicationCredentialId: 'c0ffee',
      secret: 's3cret',
    });
    expect(credential.problems.map(withoutCloud)).toEqual([
      { field: 'username', code: 'not-needed-with-credential-id' },
    ]);

    const password = profilesFromCloud('pw', {
      auth: {
        auth_url: authUrl,
        username: 'alice',
        user_domain_name: 'Default',
        project_name: 'images',
        project_domain_name: 'Default',
        endpoint: 'https://glance.example.com',
      },
    });
    expect(password.profiles[0]).not.toHaveProperty('imageEndpoint');
    expect(password.problems.map(withoutCloud)).toEqual([
      { field: 'password', code: 'secret-not-in-file', secret: 'password' },
      { field: 'endpoint', code: 'endpoint-needs-token' },
    ]);
  });
});
