/**
 * Turns one cloud entry of a clouds.yaml (or the OS_* variables of an openrc file, read as
 * one) into profiles. Keys are read as openstacksdk reads them (dashes and underscores
 * alike, `auth:` or top level, `tenant_*` as `project_*`, `domain_*` for both domains,
 * `endpoint_type` as `interface`, …). Whatever cannot be carried over into a profile as it
 * stands — an unsupported sign-in method, a client certificate, a setting Glance Desk does
 * not use, a value the user must still supply — is reported, never silently dropped.
 *
 * Regions: a cloud with `regions: [a, b]` (or the older comma-separated `region_name`)
 * becomes one profile per region, named "cloud (a)", "cloud (b)", as `openstack`'s
 * get_all() does. Per-region `values` apply to that region's profile only.
 */
import {
  profileInputSchema,
  type AuthMethod,
  type ImportProblem,
  type ProfileInput,
} from '../../../common/profile';
import { isRecord } from '../../settings/upgrade';

type Json = Record<string, unknown>;

/** openstacksdk's normalize_keys: `user-domain-name` is `user_domain_name`. */
function normalizeKeys(data: Json): Json {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key.replaceAll('-', '_'),
      isRecord(value) ? normalizeKeys(value) : value,
    ]),
  );
}

interface Region {
  name?: string;
  values: Json;
}

function regionsOf(cloud: Json, report: (field: string, message: string) => void): Region[] {
  const { regions, region_name: regionName } = cloud;
  const list: unknown[] | undefined = Array.isArray(regions)
    ? regions
    : Array.isArray(regionName)
      ? regionName
      : typeof regionName === 'string' && regionName.includes(',')
        ? regionName.split(',')
        : undefined;
  if (list === undefined) {
    if (regions !== undefined) report('regions', 'Expected a list of regions; ignored.');
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
    } else report('regions', `A region entry is neither a name nor {name, values}; skipped.`);
  }
  return found.length > 0 ? found : [{ values: {} }];
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Applies region values over the cloud, merging `auth` (openstacksdk's _auth_update). */
function withRegionValues(cloud: Json, values: Json): Json {
  const merged: Json = { ...cloud, ...values };
  if (isRecord(cloud.auth) && isRecord(values.auth))
    merged.auth = { ...cloud.auth, ...values.auth };
  return merged;
}

export interface CloudProfiles {
  profiles: ProfileInput[];
  problems: ImportProblem[];
}

/**
 * The profiles of one cloud entry named `name`, and the problems found in it.
 * `fieldName` spells a key the way the file does, for the problems (default: as in
 * clouds.yaml).
 */
export function profilesFromCloud(
  name: string,
  rawCloud: Json,
  fieldName: (key: string) => string = (key) => key,
): CloudProfiles {
  const problems: ImportProblem[] = [];
  const cloud = normalizeKeys(rawCloud);
  const regions = regionsOf(cloud, (field, message) =>
    problems.push({ cloud: name, field: fieldName(field), message }),
  );
  const profiles: ProfileInput[] = [];
  const seen = new Set<string>();
  for (const region of regions) {
    const profileName = regions.length > 1 && region.name ? `${name} (${region.name})` : name;
    const found = profileFromConfig(
      profileName,
      withRegionValues(cloud, region.values),
      region.name,
    );
    for (const problem of found.problems) {
      // Problems of the cloud itself would repeat once per region: report them once.
      const key = `${problem.field}\u0000${problem.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ cloud: name, field: fieldName(problem.field), message: problem.message });
    }
    if (found.profile) profiles.push(found.profile);
  }
  return { profiles, problems };
}

const unsupportedAuthTypes: Record<string, string> = {
  v2password: 'Keystone v2 (v2password) is no longer supported by OpenStack; use Identity v3.',
  v2token: 'Keystone v2 (v2token) is no longer supported by OpenStack; use Identity v3.',
  v3totp: 'Time-based one-time passwords (v3totp) are not supported.',
  v3multifactor: 'Multi-factor sign-in (v3multifactor) is not supported.',
  v3oidcpassword: 'OpenID Connect sign-in is not supported.',
  v3oidcclientcredentials: 'OpenID Connect sign-in is not supported.',
  v3oidcauthcode: 'OpenID Connect sign-in is not supported.',
  v3oidcaccesstoken: 'OpenID Connect sign-in is not supported.',
  v3oidcdeviceauthz: 'OpenID Connect sign-in is not supported.',
  v3samlpassword: 'SAML sign-in is not supported.',
  v3adfspassword: 'ADFS sign-in is not supported.',
  v3oauth1: 'OAuth 1 sign-in is not supported.',
  v3tokenlessauth: 'Tokenless (client certificate) sign-in is not supported.',
  none: 'Connections without authentication are not supported.',
  noauth: 'Connections without authentication are not supported.',
  http_basic: 'HTTP basic authentication is not supported.',
};

/** Keys read and used, or read and deliberately reported. Anything else is reported as unused. */
const knownKeys = new Set([
  'auth',
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

/** One profile from one cloud (+ region) in openstacksdk's shape: auth keys in `auth:` or at the top. */
function profileFromConfig(name: string, cloud: Json, region: string | undefined): Found {
  const problems: ImportProblem[] = [];
  const report = (field: string, message: string) => problems.push({ cloud: name, field, message });
  const auth = isRecord(cloud.auth) ? cloud.auth : {};
  if (cloud.auth !== undefined && !isRecord(cloud.auth))
    report('auth', 'Expected a mapping; ignored.');

  /** An auth option: `auth:` wins over the top level, as in openstacksdk. */
  const read = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      for (const source of [auth, cloud]) {
        if (source[key] === undefined) continue;
        const value = scalar(source[key]);
        if (value === undefined && typeof source[key] !== 'string') {
          report(key, 'Expected a single value; ignored.');
        }
        if (value !== undefined) return value;
      }
    }
    return undefined;
  };

  const authType = read('auth_type', 'auth_plugin')?.toLowerCase();
  const method = authMethodFor(authType, read);
  if (method === undefined) {
    report(
      'auth_type',
      (authType && unsupportedAuthTypes[authType]) ??
        `Sign-in method "${authType}" is not supported (Glance Desk supports password, application credential and token).`,
    );
    return { problems };
  }

  // Reported only for a cloud that is imported: a skipped one has its one reason.
  for (const key of Object.keys(cloud)) {
    if (!knownKeys.has(key)) report(key, unusedMessage(key));
  }
  for (const key of Object.keys(auth)) {
    if (!knownKeys.has(key)) report(`auth.${key}`, unusedMessage(key));
  }

  const profile: ProfileInput = { name, authMethod: method, interface: 'public' };
  const set = <K extends keyof ProfileInput>(key: K, value: ProfileInput[K] | undefined) => {
    if (value !== undefined) profile[key] = value;
  };
  set('authUrl', read('auth_url'));
  set('region', region);

  const projectScoped =
    read('project_id', 'tenant_id', 'project_name', 'tenant_name') !== undefined;
  const domainId = read('domain_id');
  const domainName = read('domain_name');
  if (!projectScoped && (domainId || domainName)) {
    report(
      domainId ? 'domain_id' : 'domain_name',
      'A domain-scoped sign-in has no image service; add the project to use.',
    );
  }
  const defaultDomainId = read('default_domain_id', 'default_domain');
  const defaultDomainName = read('default_domain_name');
  /** A domain given for the user or project itself; else `domain_*`, else `default_domain_*`, for a name that needs one. */
  const setDomain = (
    idField: 'userDomainId' | 'projectDomainId',
    nameField: 'userDomainName' | 'projectDomainName',
    prefix: 'user' | 'project',
    needed: boolean,
  ) => {
    const id = read(`${prefix}_domain_id`);
    const name = read(`${prefix}_domain_name`);
    const fallback =
      domainId || domainName
        ? { id: domainId, name: domainName }
        : { id: defaultDomainId, name: defaultDomainName };
    const useFallback = needed && !id && !name;
    set(idField, useFallback ? fallback.id : id);
    set(nameField, useFallback ? fallback.name : name);
  };

  set('projectId', read('project_id', 'tenant_id'));
  set('projectName', read('project_name', 'tenant_name'));
  setDomain(
    'projectDomainId',
    'projectDomainName',
    'project',
    profile.projectName !== undefined && profile.projectId === undefined,
  );

  const secretKey = {
    password: 'password',
    'application-credential': 'application_credential_secret',
    token: 'token',
  }[method];
  if (method === 'password') {
    set('userId', read('user_id'));
    set('userName', read('username'));
    setDomain(
      'userDomainId',
      'userDomainName',
      'user',
      profile.userName !== undefined && profile.userId === undefined,
    );
    set('secret', read('password'));
  } else if (method === 'application-credential') {
    set('applicationCredentialId', read('application_credential_id'));
    const credentialName = read('application_credential_name');
    if (!profile.applicationCredentialId && credentialName) {
      report(
        'application_credential_name',
        `Application credentials chosen by name and user ("${credentialName}") are not supported; enter the credential's ID.`,
      );
    }
    for (const key of ['username', 'user_id', 'user_domain_name', 'user_domain_id']) {
      if (read(key) !== undefined && !credentialName) {
        report(key, 'Not needed with an application credential ID; ignored.');
      }
    }
    set('secret', read('application_credential_secret'));
  } else {
    set('secret', read('token', 'auth_token'));
  }
  if (profile.secret === undefined) {
    report(
      secretKey,
      `No ${secretKey.replaceAll('_', ' ')} in the file; you will need to enter it.`,
    );
  }

  const endpoint = read('image_endpoint_override', 'image_url', 'endpoint_override');
  const tokenEndpoint = read('endpoint', 'url');
  set('imageEndpoint', endpoint ?? (method === 'token' ? tokenEndpoint : undefined));
  if (tokenEndpoint && method !== 'token') {
    report(
      read('endpoint') ? 'endpoint' : 'url',
      'A service endpoint is only used with a token; ignored.',
    );
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
      report('interface', `Unknown interface "${interfaceValue}"; public is used.`);
    }
  }

  const identityVersion = read('identity_api_version');
  if (identityVersion !== undefined && !/^3(\.\d+)?$/.test(identityVersion)) {
    report(
      'identity_api_version',
      `Identity API ${identityVersion} is not supported; Glance Desk uses v3.`,
    );
  }
  const imageVersion = read('image_api_version');
  if (imageVersion !== undefined && !/^2(\.\d+)?$/.test(imageVersion)) {
    report('image_api_version', `Image API ${imageVersion} is not supported; Glance Desk uses v2.`);
  }

  set('caFile', read('cacert'));
  const verify = read('verify');
  const insecure = read('insecure');
  if (verify?.toLowerCase() === 'false' || insecure?.toLowerCase() === 'true')
    profile.insecure = true;

  const checked = profileInputSchema.safeParse(profile);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const field = String(issue.path[0] ?? 'profile');
      report(yamlKeyFor[field] ?? field, `${issue.message} Complete it before saving.`);
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

function unusedMessage(key: string): string {
  if (key === 'profile' || key === 'cloud')
    return 'Vendor profiles are not supported; only the settings written here were imported.';
  if (key === 'cert' || key === 'key') return 'Client certificates are not supported; ignored.';
  if (key === 'system_scope') return 'System-scoped sign-in has no image service; ignored.';
  if (key === 'trust_id') return 'Trusts are not supported; ignored.';
  if (key === 'passcode') return 'One-time passcodes are not supported; ignored.';
  return 'Not used by Glance Desk; ignored.';
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
