import { describe, expect, it } from 'vitest';
import type { ProfileInput } from '../../../../common/profile';
import { withoutSecrets } from '../../../../main/profiles/import/stash-secrets';
import { stashed, stashSecret } from './helpers';

const base: ProfileInput = {
  name: 'prod',
  authMethod: 'password',
  authUrl: 'https://keystone.example.com/v3',
  userName: 'alice',
  projectName: 'images',
  interface: 'public',
};

describe('withoutSecrets', () => {
  it('swaps the secret and the proxy credentials for references bound to the profile', () => {
    const [profile] = withoutSecrets(
      [{ ...base, secret: 'alice-pass', proxy: 'http://ops:Pr0xy@proxy.example.com:3128' }],
      stashSecret,
    );
    expect(JSON.stringify(profile)).not.toMatch(/alice-pass|Pr0xy/);
    expect(profile).toEqual({
      ...base,
      proxy: 'http://proxy.example.com:3128',
      importedSecret: expect.any(String),
      importedProxyCredentials: expect.any(String),
    });
    const secret = stashed.get(profile?.importedSecret ?? '');
    expect(secret).toMatchObject({ kind: 'password', secret: 'alice-pass' });
    // Bound to the profile as imported: the proxy without its credentials, no secret.
    expect(secret?.enteredFor).toMatchObject({ ...base, proxy: 'http://proxy.example.com:3128' });
    expect(secret?.enteredFor).not.toHaveProperty('secret');
    const proxy = stashed.get(profile?.importedProxyCredentials ?? '');
    expect(proxy).toMatchObject({ kind: 'proxy-credentials', secret: 'ops:Pr0xy' });
  });

  it('leaves a profile without secrets as it is', () => {
    const proxied = { ...base, proxy: 'http://proxy.example.com:3128' };
    expect(withoutSecrets([base, proxied], stashSecret)).toEqual([base, proxied]);
  });
});
