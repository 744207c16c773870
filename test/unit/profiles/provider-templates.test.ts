import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { profileInputSchema, type AuthMethod } from '../../../common/profile';
import {
  profileFromTemplate,
  templateAuthMethods,
  templateFields,
  templateNotes,
  type TemplateAnswers,
  type TemplateField,
} from '../../../common/provider-templates';
import {
  huaweiCloud,
  imsEndpointFor,
  isHuaweiCloud,
  openstacksdkVendors,
  providerById,
  providerRegions,
  providers,
  withRegion,
  type Provider,
} from '../../../common/providers';
import vendorFile from '../../../common/providers/openstacksdk-vendors.json';

/** What a person types into each field the form asks. */
const typed: Record<TemplateField, string> = {
  region: 'typed-region-1',
  authUrl: 'https://keystone.typed.example.com:5000/v3',
  account: 'acme-account',
  userName: 'alice',
  userDomainName: 'Default',
  projectName: 'images',
  projectDomainName: 'Default',
  applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
};

/** The answers for `method`: a region from the provider's list, and whatever else the form asks. */
function answersFor(provider: Provider, method: AuthMethod): TemplateAnswers {
  const answers: TemplateAnswers = { authMethod: method, secret: 's3cret-for-test' };
  for (const field of templateFields(provider, method)) answers[field] = typed[field];
  const regions = providerRegions(provider);
  if (regions.length > 1) answers.region = regions.at(-1);
  return answers;
}

/** A provider the data must have. */
function byId(id: string): Provider {
  const found = providerById(id);
  if (found === undefined) throw new Error(`no provider ${id}`);
  return found;
}

describe('provider templates', () => {
  it('offers Huawei Cloud and Open Telekom Cloud first, then every openstacksdk vendor with settings', () => {
    expect(providers.slice(0, 2).map((provider) => provider.id)).toEqual(['huaweicloud', 'otc']);
    const offered = new Set(providers.map((provider) => provider.id));
    for (const vendor of openstacksdkVendors.values()) {
      // VEXXHOST's profile only names a web site to fetch the settings from.
      expect(offered.has(vendor.id), vendor.id).toBe(vendor.id !== 'vexxhost');
    }
    for (const provider of providers) expect(provider.source, provider.id).not.toBe('');
  });

  // One test per provider: each of its sign-in methods builds a profile that validates.
  for (const provider of providers) {
    it(`${provider.name}: the template builds a profile that validates`, () => {
      for (const method of templateAuthMethods(provider)) {
        const profile = profileFromTemplate(provider, answersFor(provider, method));
        const checked = profileInputSchema.safeParse(profile);
        expect(checked.error?.issues, `${provider.id} ${method}`).toBeUndefined();
        expect(profile.provider).toBe(provider.id);
        expect(profile.authUrl, `${provider.id} ${method}`).toMatch(/^https:\/\/[^{}]+$/);
        expect(profile.name.startsWith(provider.name)).toBe(true);
      }
    });
  }

  it('asks only for what the provider cannot know', () => {
    expect(templateFields(huaweiCloud, 'password')).toEqual(['region', 'account', 'userName']);
    expect(templateFields(huaweiCloud, 'token')).toEqual(['region']);
    const ovh = byId('ovh');
    // OVH names the domains; its auth URL has no region in it, but it has many regions.
    expect(templateFields(ovh, 'password')).toEqual(['region', 'userName', 'projectName']);
    const elastx = byId('elastx');
    expect(templateFields(elastx, 'password')).toEqual([
      'userName',
      'userDomainName',
      'projectName',
      'projectDomainName',
    ]);
    expect(templateFields(elastx, 'application-credential')).toEqual(['applicationCredentialId']);
    // Bluebox's profile has no auth URL: the user gives it.
    expect(templateFields(byId('bluebox'), 'token')).toEqual(['authUrl']);
  });

  it('Huawei Cloud: IAM of the region, the account as both domains, the region as the project', () => {
    const profile = profileFromTemplate(huaweiCloud, {
      authMethod: 'password',
      region: 'cn-north-4',
      account: ' acme-account ',
      userName: 'alice',
      secret: 'pw',
    });
    expect(profile).toEqual({
      name: 'Huawei Cloud (cn-north-4)',
      provider: 'huaweicloud',
      authMethod: 'password',
      interface: 'public',
      authUrl: 'https://iam.cn-north-4.myhuaweicloud.com/v3',
      region: 'cn-north-4',
      userName: 'alice',
      userDomainName: 'acme-account',
      projectName: 'cn-north-4',
      projectDomainName: 'acme-account',
      secret: 'pw',
    });
    expect(isHuaweiCloud(profile)).toBe(true);
    expect(imsEndpointFor('cn-north-4')).toBe('https://ims.cn-north-4.myhuaweicloud.com');
    // A region missing from the list is taken as typed.
    expect(
      profileFromTemplate(huaweiCloud, { authMethod: 'token', region: 'la-north-2', secret: 't' })
        .authUrl,
    ).toBe('https://iam.la-north-2.myhuaweicloud.com/v3');
  });

  it('Open Telekom Cloud: the region goes into the IAM URL, as openstacksdk does', () => {
    const otc = byId('otc');
    expect(providerRegions(otc)).toEqual(['eu-de', 'eu-nl']);
    const profile = profileFromTemplate(otc, { ...answersFor(otc, 'password'), region: 'eu-nl' });
    expect(profile).toMatchObject({
      name: 'Open Telekom Cloud (eu-nl)',
      authUrl: 'https://iam.eu-nl.otc.t-systems.com/v3',
      region: 'eu-nl',
      interface: 'public',
    });
  });

  it('puts no region into a URL that could change where it leads, so saving says what is missing', () => {
    for (const region of ['evil.example.com/x', 'a@b', 'x:8080', 'a#b', '.x', 'a..b', 'a b']) {
      expect(withRegion('https://iam.{region_name}.myhuaweicloud.com/v3', region), region).toBe(
        undefined,
      );
      expect(imsEndpointFor(region), region).toBe(undefined);
      const profile = profileFromTemplate(huaweiCloud, {
        authMethod: 'token',
        region,
        secret: 't',
      });
      expect(profile.authUrl).toBeUndefined();
      expect(profileInputSchema.safeParse(profile).error?.issues.map((i) => i.path)).toEqual([
        ['authUrl'],
      ]);
    }
    expect(withRegion('https://auth.cloud.ovh.net/', undefined)).toBe(
      'https://auth.cloud.ovh.net/',
    );
  });

  it('leaves nothing the user must give filled in, so saving asks for it', () => {
    const profile = profileFromTemplate(byId('elastx'), {
      authMethod: 'password',
      userName: '  ',
      secret: 'pw',
    });
    const missing = profileInputSchema.safeParse(profile).error?.issues.map((i) => i.path[0]);
    expect(missing).toEqual(['userName', 'projectName']);
  });

  it('says where openstacksdk describes a Keystone v2 or Glance v1 cloud', () => {
    expect(templateNotes(byId('catalyst'))).toEqual(['identity-v2', 'image-v1']);
    expect(templateNotes(byId('conoha'))).toEqual(['identity-v2']);
    expect(templateNotes(byId('rackspace'))).toEqual(['identity-v2']);
    expect(templateNotes(huaweiCloud)).toEqual([]);
  });

  it('knows a Huawei cloud by its template or by a myhuaweicloud.com address', () => {
    expect(isHuaweiCloud({ provider: 'huaweicloud' })).toBe(true);
    expect(isHuaweiCloud({ authUrl: 'https://iam.ap-southeast-3.myhuaweicloud.com/v3' })).toBe(
      true,
    );
    expect(isHuaweiCloud({ imageEndpoint: 'https://ims.cn-north-4.myhuaweicloud.com' })).toBe(true);
    expect(isHuaweiCloud({ authUrl: 'https://keystone.example.com/v3' })).toBe(false);
    expect(isHuaweiCloud({ authUrl: 'https://myhuaweicloud.com.evil.example/v3' })).toBe(false);
    expect(isHuaweiCloud({ authUrl: 'https://notmyhuaweicloud.com/v3' })).toBe(false);
    expect(isHuaweiCloud({ provider: 'otc', authUrl: 'not a url' })).toBe(false);
  });
});

const vendorsFolder = '/usr/lib/python3/dist-packages/openstack/config/vendors';

describe.runIf(existsSync(vendorsFolder))('common/providers/openstacksdk-vendors.json', () => {
  it('is what the installed openstacksdk vendor files say, for the keys Glance Desk reads', () => {
    const normalised = (data: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(data).map(([key, value]) => [key.replace(/-/g, '_'), value]),
      );
    const derived = readdirSync(vendorsFolder)
      .filter((file) => /\.(json|yaml)$/.test(file))
      .sort()
      .map((file) => {
        const vendor = parseYaml(readFileSync(join(vendorsFolder, file), 'utf8')) as {
          name: string;
          profile: Record<string, unknown>;
        };
        const profile = normalised(vendor.profile);
        const auth = (profile.auth ?? {}) as Record<string, unknown>;
        const kept: Record<string, unknown> = {};
        const authKept = Object.fromEntries(
          Object.entries(auth).filter(([key]) =>
            /^(auth_url|(user|project)_domain_(name|id))$/.test(key),
          ),
        );
        if (Object.keys(authKept).length > 0) kept.auth = authKept;
        if (Array.isArray(profile.regions)) {
          kept.regions = profile.regions.map((region: unknown) =>
            typeof region === 'string' ? region : (region as { name: string }).name,
          );
        }
        for (const key of [
          'region_name',
          'interface',
          'identity_api_version',
          'image_api_version',
          'profile',
        ]) {
          if (profile[key] !== undefined) kept[key] = String(profile[key]);
        }
        return { id: vendor.name, source: `openstacksdk 0.101.0 vendors/${file}`, profile: kept };
      });
    expect(vendorFile.vendors.map(({ id, source, profile }) => ({ id, source, profile }))).toEqual(
      derived,
    );
  });
});
