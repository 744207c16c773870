import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../common/profile';
import { diagnostics } from '../../../main/logging/diagnostics';

const profile: Profile = {
  id: 'p1',
  name: 'Prod',
  authUrl: 'https://admin:hunter2@keystone.example:5000/v3',
  authMethod: 'password',
  userName: 'alice',
  userDomainName: 'Default',
  projectName: 'secret-project',
  projectDomainName: 'Default',
  region: 'RegionOne',
  interface: 'internal',
  caFile: '/home/alice/ca.pem',
  proxy: 'http://proxy-user:proxy-pass@proxy.example:3128',
  secretState: 'stored',
} as Profile;

describe('diagnostics', () => {
  it('gives versions and each cloud without anything secret or personal', () => {
    const result = diagnostics({ version: '1.2.3', platform: 'linux', systemLocale: 'en-US' }, [
      profile,
      { ...profile, id: 'p2', name: 'Edge', authUrl: undefined, proxy: undefined } as Profile,
    ]);
    expect(result).toMatchObject({
      app: 'Glance Desk',
      version: '1.2.3',
      platform: 'linux',
      node: process.versions.node,
    });
    expect(result.clouds).toEqual([
      {
        name: 'Prod',
        authOrigin: 'https://keystone.example:5000',
        imageEndpointOrigin: null,
        authMethod: 'password',
        region: 'RegionOne',
        interface: 'internal',
        caFile: true,
        insecure: false,
        proxyOrigin: 'http://proxy.example:3128',
      },
      expect.objectContaining({ name: 'Edge', authOrigin: null, proxyOrigin: null }),
    ]);
    const text = JSON.stringify(result);
    for (const secret of [
      'hunter2',
      'admin',
      'proxy-user',
      'proxy-pass',
      'alice',
      'secret-project',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
