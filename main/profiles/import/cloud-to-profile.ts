/**
 * Turns one cloud entry of a clouds.yaml (or the OS_* variables of an openrc file, read as
 * one) into profiles. Keys are read as openstacksdk 0.101 reads them (dashes and underscores
 * alike, `auth:` or top level, `tenant_*` as `project_*`, `domain_*` for both domains of a
 * project-scoped sign-in, `endpoint_type` as `interface`, a `profile:` vendor's settings
 * under the cloud's own, `{region_name}` in the auth URL, …); test/integration/profiles/
 * openstacksdk-differential.test.ts compares the result with openstacksdk's own. Whatever
 * cannot be carried over into a profile as it stands — an unsupported sign-in method, a
 * client certificate, a setting Glance Desk does not use, a value the user must still
 * supply — is reported, never silently dropped.
 *
 * Regions: a cloud with `regions: [a, b]` (or the older comma-separated `region_name`, or
 * else its vendor's regions) becomes one profile per region, named "cloud (a)", "cloud (b)",
 * as `openstack`'s get_all() does. Per-region `values` apply to that region's profile only.
 */
import {
  profileInputSchema,
  type AuthMethod,
  type ImportProblem,
  type ImportProblemDetails,
  type ProfileInput,
  type UnsupportedSignIn,
} from '../../../common/profile';
import { validationError } from '../../../common/errors';
import { withRegion } from '../../../common/providers';
import { isRecord } from '../../settings/upgrade';
import { normalizeKeys } from './keys';
import { authUpdate, expandVendorProfile, type PublicClouds } from './vendor-profile';

type Json = Record<string, unknown>;

interface Region {
  name?: string;
  values: Json;
}

/** Reports a problem with `field`. */
type Report = (field: string, problem: ImportProblemDetails) => void;

function regionsOf(cloud: Json, report: Report): Region[] {
  const { regions, region_name: regionName } = cloud;
  const list: unknown[] | undefined = Array.isArray(regions)
    ? regions
    : Array.isArray(regionName)
      ? regionName
      : typeof regionName === 'string' && regionName.includes(',')
        ? regionName.split(',')
        : undefined;
  if (list === undefined) {
    if (regions !== undefined) report('regions', { code: 'regions-not-a-list' });
    return [{ name: scalar(regionName), values: {} }];
  }
  const found: Region[] = [];
  for (const entry of list) {
    if (typeof entry === 'string' && entry.trim() !== '')
      found.push({ name: entry.trim(), values: {} });
    else if (isRecord(entry) && typeof entry.name === 'string') {
      found.push({
        name: entry.name,
        values: isRecord(entry.values) ? normalizeKeys(entry.values) : {},
      });
    } else report('regions', { code: 'bad-region-entry' });
  }
  return found.length > 0 ? found : [{ values: {} }];
}

/** A value as text, as openstacksdk's `str()` makes it: ids may be written as (big) integers. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

const hasRegions = (cloud: Json) => cloud.regions !== undefined || cloud.region_name !== undefined;

export interface CloudProfiles {
  profiles: ProfileInput[];
  problems: ImportProblem[];
}

/**
 * The profiles of one cloud entry named `name`, and the problems found in it.
 * `fieldName` spells a key the way the file does, for the problems (default: as in
 * clouds.yaml). `publicClouds`: clouds-public.yaml's vendor profiles, if there is one.
 */
export function profilesFromCloud(
  name: string,
  rawCloud: Json,
  fieldName: (key: string) => string = (key) => key,
  publicClouds: PublicClouds = {},
): CloudProfiles {
  const problems: ImportProblem[] = [];
  const report: Report = (field, problem) =>
    problems.push({ cloud: name, field: fieldName(field), ...problem });
  const own = normalizeKeys(rawCloud);
  const { merged: cloud, vendor, provider, problem } = expandVendorProfile(own, publicClouds);
  if (problem) report(problem.field, problem.details);
  // The cloud's own regions, else its vendor's (openstacksdk's _get_known_regions).
  const regions = regionsOf(hasRegions(own) || vendor === undefined ? own : vendor, report);
  const profiles: ProfileInput[] = [];
  const seen = new Set<string>();
  for (const region of regions) {
    const profileName = regions.length > 1 && region.name ? `${name} (${region.name})` : name;
    const found = profileFromConfig(
      profileName,
      authUpdate(cloud, region.values),
      region.name,
      authUpdate(own, region.values),
    );
    if (found.profile && provider !== undefined) found.profile.provider = provider;
    for (const problem of found.problems) {
      // Problems of the cloud itself would repeat once per region: report them once.
      const key = JSON.stringify({ ...problem, cloud: name });
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ ...problem, cloud: name, field: fieldName(problem.field) });
    }
    if (found.profile) profiles.push(found.profile);
  }
  return { profiles, problems };
}

const unsupportedAuthTypes: Partial<Record<string, UnsupportedSignIn>> = {
  v2password: 'keystone-v2',
  v2token: 'keystone-v2',
  v3totp: 'totp',
  v3multifactor: 'multifactor',
  v3oidcpassword: 'openid-connect',
  v3oidcclientcredentials: 'openid-connect',
  v3oidcauthcode: 'openid-connect',
  v3oidcaccesstoken: 'openid-connect',
  v3oidcdeviceauthz: 'openid-connect',
  v3samlpassword: 'saml',
  v3adfspassword: 'adfs',
  v3oauth1: 'oauth1',
  v3tokenlessauth: 'tokenless',
  none: 'no-auth',
  noauth: 'no-auth',
  http_basic: 'http-basic',
};

/** Keys read and used, or read and deliberately reported. Anything else is reported as unused. */
const knownKeys = new Set([
  'auth',
  'profile',
  'cloud',
  'auth_type',
  'auth_plugin',
  'auth_url',
  'username',
  'user_id',
  'password',
  'user_domain_name',
  'user_domain_id',
  'project_name',
  'project_id',
  'tenant_name',
  'tenant_id',
  'project_domain_name',
  'project_domain_id',
  'domain_name',
  'domain_id',
  'default_domain',
  'default_domain_id',
  'default_domain_name',
  'application_credential_id',
  'application_credential_secret',
  'application_credential_name',
  'token',
  'auth_token',
  'endpoint',
  'url',
  'image_endpoint_override',
  'image_url',
  'endpoint_override',
  'region_name',
  'regions',
  'interface',
  'endpoint_type',
  'image_interface',
  'image_endpoint_type',
  'identity_api_version',
  'image_api_version',
  'cacert',
  'verify',
  'insecure',
]);

interface Found {
  profile?: ProfileInput;
  problems: ImportProblem[];
}

/**
 * One profile from one cloud (+ region) in openstacksdk's shape: auth keys in `auth:` or at
 * the top. `own`: the keys the file itself wrote (not its vendor's), checked for ones
 * Glance Desk does not use.
 */
function profileFromConfig(
  name: string,
  cloud: Json,
  region: string | undefined,
  own: Json,
): Found {
  const problems: ImportProblem[] = [];
  const report: Report = (field, problem) => problems.push({ cloud: name, field, ...problem });
  const auth = isRecord(cloud.auth) ? cloud.auth : {};
  if (cloud.auth !== undefined && !isRecord(cloud.auth)) report('auth', { code: 'not-a-mapping' });

  /** An auth option: `auth:` wins over the top level, as in openstacksdk. */
  const read = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      for (const source of [auth, cloud]) {
        if (source[key] === undefined) continue;
        const value = scalar(source[key]);
        if (value === undefined && typeof source[key] !== 'string') {
          report(key, { code: 'not-a-single-value' });
        }
        if (value !== undefined) return value;
      }
    }
    return undefined;
  };

  const authType = read('auth_type', 'auth_plugin')?.toLowerCase();
  const method = authMethodFor(authType, read);
  if (method === undefined) {
    report('auth_type', {
      code: 'unsupported-sign-in',
      authType: authType ?? '',
      signIn: (authType !== undefined && unsupportedAuthTypes[authType]) || 'other',
    });
    return { problems };
  }

  // Reported only for a cloud that is imported: a skipped one has its one reason.
  for (const key of Object.keys(own)) {
    if (!knownKeys.has(key)) report(key, unusedProblem(key));
  }
  for (const key of Object.keys(isRecord(own.auth) ? own.auth : {})) {
    if (!knownKeys.has(key)) report(`auth.${key}`, unusedProblem(key));
  }

  const profile: ProfileInput = { name, authMethod: method, interface: 'public' };
  const set = <K extends keyof ProfileInput>(key: K, value: ProfileInput[K] | undefined) => {
    if (value !== undefined) profile[key] = value;
  };
  const authUrl = read('auth_url');
  const filled = authUrl === undefined ? undefined : withRegion(authUrl, region);
  if (authUrl !== undefined && filled === undefined) {
    report('auth_url', { code: 'region-not-in-url', region: region ?? '' });
  }
  set('authUrl', filled);
  set('region', region);

  const projectScoped =
    read('project_id', 'tenant_id', 'project_name', 'tenant_name') !== undefined;
  const domainId = read('domain_id');
  const domainName = read('domain_name');
  if (!projectScoped && (domainId || domainName)) {
    report(domainId ? 'domain_id' : 'domain_name', { code: 'domain-scope' });
  }
  const defaultDomainId = read('default_domain_id', 'default_domain');
  const defaultDomainName = read('default_domain_name');
  /**
   * The user's or project's domain as openstacksdk and keystoneauth settle it: its own id
   * and name; for a project-scoped sign-in, `domain_*` fills whichever of them is not given
   * (openstacksdk's _handle_domain_id); then `default_domain_*` (keystoneauth's generic
   * plugins).
   */
  const setDomain = (of: 'user' | 'project') => {
    const id = read(`${of}_domain_id`) ?? (projectScoped ? domainId : undefined);
    const name = read(`${of}_domain_name`) ?? (projectScoped ? domainName : undefined);
    set(`${of}DomainId`, id ?? defaultDomainId);
    set(`${of}DomainName`, name ?? defaultDomainName);
  };

  set('projectId', read('project_id', 'tenant_id'));
  set('projectName', read('project_name', 'tenant_name'));
  setDomain('project');

  const secretKey = {
    password: 'password',
    'application-credential': 'application_credential_secret',
    token: 'token',
  }[method];
  if (method === 'password') {
    set('userId', read('user_id'));
    set('userName', read('username'));
    setDomain('user');
    set('secret', read('password'));
  } else if (method === 'application-credential') {
    set('applicationCredentialId', read('application_credential_id'));
    const credentialName = read('application_credential_name');
    if (!profile.applicationCredentialId && credentialName) {
      report('application_credential_name', { code: 'credential-by-name', credentialName });
    }
    for (const key of ['username', 'user_id', 'user_domain_name', 'user_domain_id']) {
      if (read(key) !== undefined && !credentialName) {
        report(key, { code: 'not-needed-with-credential-id' });
      }
    }
    set('secret', read('application_credential_secret'));
  } else {
    set('secret', read('token', 'auth_token'));
  }
  if (profile.secret === undefined)
    report(secretKey, { code: 'secret-not-in-file', secret: method });

  const endpoint = read('image_endpoint_override', 'image_url', 'endpoint_override');
  const tokenEndpoint = read('endpoint', 'url');
  set('imageEndpoint', endpoint ?? (method === 'token' ? tokenEndpoint : undefined));
  if (tokenEndpoint && method !== 'token') {
    report(read('endpoint') ? 'endpoint' : 'url', { code: 'endpoint-needs-token' });
  }

  const interfaceValue = read(
    'image_interface',
    'image_endpoint_type',
    'interface',
    'endpoint_type',
  );
  if (interfaceValue !== undefined) {
    const normalised = interfaceValue.replace(/URL$/, '');
    if (normalised === 'public' || normalised === 'internal' || normalised === 'admin') {
      profile.interface = normalised;
    } else {
      report('interface', { code: 'unknown-interface', value: interfaceValue });
    }
  }

  const identityVersion = read('identity_api_version');
  if (identityVersion !== undefined && !/^3(\.\d+)?$/.test(identityVersion)) {
    report('identity_api_version', { code: 'identity-api-version', version: identityVersion });
  }
  const imageVersion = read('image_api_version');
  if (imageVersion !== undefined && !/^2(\.\d+)?$/.test(imageVersion)) {
    report('image_api_version', { code: 'image-api-version', version: imageVersion });
  }

  set('caFile', read('cacert'));
  const verify = read('verify');
  const insecure = read('insecure');
  if (verify?.toLowerCase() === 'false' || insecure?.toLowerCase() === 'true')
    profile.insecure = true;

  const checked = profileInputSchema.safeParse(profile);
  if (!checked.success) {
    const { details } = validationError(checked.error);
    for (const { field, missing } of details?.reason === 'invalid-values' ? details.values : []) {
      report(yamlKeyFor[field] ?? field, { code: 'incomplete', profileField: field, missing });
    }
  }
  return { profile, problems };
}

function authMethodFor(
  authType: string | undefined,
  read: (...keys: string[]) => string | undefined,
): AuthMethod | undefined {
  switch (authType) {
    case undefined:
      // No auth_type: the CLI defaults to password; be as helpful when the fields say otherwise.
      if (
        read(
          'application_credential_id',
          'application_credential_secret',
          'application_credential_name',
        )
      ) {
        return 'application-credential';
      }
      if (read('token', 'auth_token') && !read('password')) return 'token';
      return 'password';
    case 'password':
    case 'v3password':
      return 'password';
    case 'v3applicationcredential':
      return 'application-credential';
    case 'token':
    case 'v3token':
    case 'admin_token':
    case 'token_endpoint':
      return 'token';
    default:
      return undefined;
  }
}

/** Why a key Glance Desk does not read is left out. */
function unusedProblem(key: string): ImportProblemDetails {
  if (key === 'cert' || key === 'key') return { code: 'client-certificate' };
  if (key === 'system_scope') return { code: 'system-scope' };
  if (key === 'trust_id') return { code: 'trust' };
  if (key === 'passcode') return { code: 'passcode' };
  return { code: 'not-used' };
}

/** The clouds.yaml key to blame when a profile field ends up invalid. */
const yamlKeyFor: Record<string, string> = {
  authUrl: 'auth_url',
  userName: 'username',
  userDomainName: 'user_domain_name',
  projectName: 'project_name',
  projectDomainName: 'project_domain_name',
  applicationCredentialId: 'application_credential_id',
  imageEndpoint: 'image_endpoint_override',
  caFile: 'cacert',
  region: 'region_name',
};
