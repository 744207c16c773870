/**
 * The clouds.yaml importer against openstacksdk itself: the same clouds.yaml, secure.yaml and
 * clouds-public.yaml (test/fixtures/profiles/openstacksdk/) are resolved by openstacksdk's
 * OpenStackConfig (Debian's python3-openstacksdk, installed with the `openstack` CLI) and
 * by the app's importer, and every cloud and region must come out the same: auth URL, user,
 * project, both domains, region, interface, TLS verification and whether a secret was
 * found. The differences that remain are on purpose and listed in README.md ("Provider
 * templates and clouds.yaml"); `documentedDifferences` must match them exactly.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileInput } from '../../../common/profile';
import { importCloudsYaml } from '../../../main/profiles/import/clouds-yaml';
import { tempSettingsFolder } from '../../unit/profiles/helpers';
import { revealed, stashSecret } from '../../unit/profiles/import/helpers';

const fixtures = join(import.meta.dirname, '../../fixtures/profiles/openstacksdk');
const files = {
  clouds: join(fixtures, 'clouds.yaml'),
  secure: join(fixtures, 'secure.yaml'),
  vendors: join(fixtures, 'clouds-public.yaml'),
};

// Debian's python3 (the pyenv one first on PATH has no openstacksdk).
const resolveWithOpenstacksdk = `
import json, sys, warnings
warnings.simplefilter('ignore')
from openstack.config import loader
clouds, secure, vendors = sys.argv[1:4]
config = loader.OpenStackConfig(
    config_files=[clouds], secure_files=[secure], vendor_files=[vendors], load_envvars=False)
print(json.dumps([
    {'cloud': region.name, 'region': region.region_name, 'auth_type': region.config['auth_type'],
     'interface': region.get_interface('image'), 'verify': region.config.get('verify'),
     'insecure': region.config.get('insecure'), 'auth': region.config['auth']}
    for region in config.get_all_clouds()]))
`;

interface SdkCloud {
  cloud: string;
  region: string;
  auth_type: string;
  interface: string;
  verify: boolean | string | null;
  insecure: boolean | null;
  auth: Record<string, string | undefined>;
}

/** What both sides must agree on, for one cloud in one region. */
interface Resolved {
  authUrl?: string | undefined;
  /** The user name or id; the application credential's id for one. */
  user?: string | undefined;
  project?: string | undefined;
  userDomain: { id?: string | undefined; name?: string | undefined };
  projectDomain: { id?: string | undefined; name?: string | undefined };
  region?: string | undefined;
  interface: string;
  insecure: boolean;
  secretFound: boolean;
}

const present = (value: string | undefined) => (value === '' ? undefined : value);

/** openstacksdk's answer as keystoneauth will use it (its default domain, `internalURL` as internal). */
function fromOpenstacksdk(sdk: SdkCloud): Resolved {
  const { auth } = sdk;
  return {
    authUrl: auth.auth_url,
    user:
      sdk.auth_type === 'v3applicationcredential'
        ? auth.application_credential_id
        : (auth.username ?? auth.user_id),
    project: auth.project_name ?? auth.project_id,
    userDomain: {
      id: auth.user_domain_id ?? auth.default_domain_id,
      name: auth.user_domain_name ?? auth.default_domain_name,
    },
    projectDomain: {
      id: auth.project_domain_id ?? auth.default_domain_id,
      name: auth.project_domain_name ?? auth.default_domain_name,
    },
    region: present(sdk.region),
    interface: sdk.interface.replace(/URL$/, ''),
    insecure: sdk.insecure === true || sdk.verify === false,
    secretFound: [auth.password, auth.application_credential_secret, auth.token].some(Boolean),
  };
}

function fromApp(profile: ProfileInput): Resolved {
  return {
    authUrl: profile.authUrl,
    user:
      profile.authMethod === 'application-credential'
        ? profile.applicationCredentialId
        : (profile.userName ?? profile.userId),
    project: profile.projectName ?? profile.projectId,
    userDomain: { id: profile.userDomainId, name: profile.userDomainName },
    projectDomain: { id: profile.projectDomainId, name: profile.projectDomainName },
    region: profile.region,
    interface: profile.interface,
    insecure: profile.insecure === true,
    secretFound: profile.secret !== undefined,
  };
}

/** Where the app differs from openstacksdk on purpose: README.md lists each with its reason. */
const documentedDifferences = [
  // openstacksdk reads a vendor's regions only under `region_name`; ultimum.json writes
  // `region-name`, so openstacksdk leaves the region empty. The app reads RegionOne.
  { cloud: 'ultimum', region: '', field: 'region', openstacksdk: undefined, app: 'RegionOne' },
  // openstacksdk renames `endpoint_type` before it turns dashes into underscores, so it
  // ignores `endpoint-type: internalURL`; the app reads it.
  {
    cloud: 'kolla',
    region: 'RegionOne',
    field: 'interface',
    openstacksdk: 'public',
    app: 'internal',
  },
];

describe('clouds.yaml: the app against openstacksdk', () => {
  it('resolves every cloud and region as openstacksdk does, but for the documented differences', async () => {
    const output = execFileSync(
      '/usr/bin/python3',
      ['-c', resolveWithOpenstacksdk, files.clouds, files.secure, files.vendors],
      { encoding: 'utf8' },
    );
    const sdkClouds = JSON.parse(output) as SdkCloud[];
    const result = await importCloudsYaml({
      stashSecret,
      cloudsPath: files.clouds,
      securePath: files.secure,
      cwd: tempSettingsFolder(),
      home: tempSettingsFolder(),
      env: {},
    });
    expect(result.files).toEqual([files.clouds, files.secure, files.vendors]);
    const app = new Map(revealed(result).map((profile) => [profile.name, profile]));
    const regionsOf = (cloud: string) => sdkClouds.filter((sdk) => sdk.cloud === cloud).length;

    const differences: unknown[] = [];
    for (const sdk of sdkClouds) {
      const name = regionsOf(sdk.cloud) > 1 ? `${sdk.cloud} (${sdk.region})` : sdk.cloud;
      const profile = app.get(name);
      expect(profile, `the app made no profile for ${name}`).toBeDefined();
      if (profile === undefined) continue;
      const theirs = fromOpenstacksdk(sdk);
      const ours = fromApp(profile);
      for (const field of Object.keys(theirs) as (keyof Resolved)[]) {
        if (JSON.stringify(theirs[field]) !== JSON.stringify(ours[field])) {
          differences.push({
            cloud: sdk.cloud,
            region: sdk.region,
            field,
            openstacksdk: theirs[field],
            app: ours[field],
          });
        }
      }
    }
    expect(differences).toEqual(documentedDifferences);
    // Every profile the app made is one openstacksdk made too.
    expect(app.size).toBe(sdkClouds.length);
  });
});
