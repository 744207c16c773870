/**
 * Import of the files the `openstack` CLI reads: clouds.yaml (+ secure.yaml) and openrc
 * scripts. Keys are read as openstacksdk reads them (dashes and underscores alike,
 * `auth:` or top level, `tenant_*` as `project_*`, `domain_*` for both domains,
 * `endpoint_type` as `interface`, …). Whatever cannot be carried over into a profile as it
 * stands — an unsupported sign-in method, a client certificate, a setting Glance Desk does
 * not use, a value the user must still supply — is reported, never silently dropped.
 *
 * Regions: a cloud with `regions: [a, b]` (or the older comma-separated `region_name`)
 * becomes one profile per region, named "cloud (a)", "cloud (b)", as `openstack`'s
 * get_all() does. Per-region `values` apply to that region's profile only.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { AppError } from '../../common/errors';
import {
  profileFieldsObject,
  profileInputSchema,
  type AuthMethod,
  type ImportProblem,
  type ImportResult,
  type ProfileInput,
} from '../../common/profile';
import { splitProxyCredentials, type NeededSecret } from '../../common/secret-binding';
import { isRecord } from '../settings/upgrade';
import { parseOpenrc } from './openrc';

type Json = Record<string, unknown>;

export interface CloudsYamlOptions {
  /** A clouds.yaml chosen by the user; otherwise the usual places are searched. */
  cloudsPath?: string;
  /** A secure.yaml chosen by the user; otherwise the usual places are searched. */
  securePath?: string;
  /** For tests: the environment, working folder and home folder to search from. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  platform?: NodeJS.Platform;
}

/**
 * Takes a secret found in a file (the profile's own, or the proxy's user name and
 * password) and returns the reference that replaces it in the result
 * (`ProfileStore.stashSecret`), so that no secret travels with the imported profiles. The
 * secret stays bound to the profile it was found for.
 */
export type StashSecret = (kind: NeededSecret, secret: string, enteredFor: ProfileInput) => string;

/** Replaces each profile's secret and proxy credentials by their stashed references. */
function withoutSecrets(profiles: ProfileInput[], stashSecret: StashSecret): ProfileInput[] {
  return profiles.map(({ secret, ...found }) => {
    const profile: ProfileInput = { ...found };
    const { proxy, credentials } = splitProxyCredentials(found.proxy ?? '');
    if (credentials !== undefined) {
      profile.proxy = proxy;
      profile.importedProxyCredentials = stashSecret('proxy-credentials', credentials, profile);
    }
    if (secret !== undefined) {
      profile.importedSecret = stashSecret(profile.authMethod, secret, profile);
    }
    return profile;
  });
}

/** The folders openstacksdk searches, in its order (the first file found wins). */
function configFolders(options: CloudsYamlOptions): string[] {
  const home = options.home ?? homedir();
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const folders = [options.cwd ?? process.cwd()];
  if (env.XDG_CONFIG_HOME) folders.push(join(env.XDG_CONFIG_HOME, 'openstack'));
  if (platform === 'darwin')
    folders.push(join(home, 'Library', 'Application Support', 'openstack'));
  if (platform === 'win32' && env.LOCALAPPDATA) {
    folders.push(join(env.LOCALAPPDATA, 'OpenStack', 'openstack'));
  }
  folders.push(join(home, '.config', 'openstack'), '/etc/openstack');
  return [...new Set(folders)];
}

function suffixed(folder: string, kind: 'clouds' | 'secure'): string[] {
  return ['.yaml', '.yml', '.json'].map((suffix) => join(folder, kind + suffix));
}

/** Every path searched for `clouds` or `secure`, in order; the env override comes first. */
export function configFileCandidates(
  kind: 'clouds' | 'secure',
  options: CloudsYamlOptions = {},
): string[] {
  const env = options.env ?? process.env;
  const override = kind === 'clouds' ? env.OS_CLIENT_CONFIG_FILE : env.OS_CLIENT_SECURE_FILE;
  const files = configFolders(options).flatMap((folder) => suffixed(folder, kind));
  return override ? [override, ...files] : files;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new AppError(
      { kind: 'filesystem', message: `Could not read ${path} (${code ?? 'unknown error'}).` },
      { cause: error },
    );
  }
}

async function firstExisting(paths: string[]): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    const text = await readText(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

/** YAML (or JSON) with a `clouds:` mapping. Errors name the line, never quote the file (it may hold passwords). */
function parseCloudsFile(path: string, text: string): Json {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const position = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
    const where = position ? ` (line ${position.line}, column ${position.col})` : '';
    throw new AppError({ kind: 'validation', message: `${path} is not valid YAML${where}.` });
  }
  if (!isRecord(data) || !isRecord(data.clouds)) {
    throw new AppError({
      kind: 'validation',
      message: `${path} has no "clouds:" section, so it is not a clouds.yaml file.`,
    });
  }
  return data.clouds;
}

export async function importCloudsYaml(
  options: CloudsYamlOptions & { stashSecret: StashSecret },
): Promise<ImportResult> {
  const cloudsCandidates = options.cloudsPath
    ? [options.cloudsPath]
    : configFileCandidates('clouds', options);
  const clouds = await firstExisting(cloudsCandidates);
  if (!clouds) {
    throw new AppError({
      kind: 'filesystem',
      message: options.cloudsPath
        ? `${options.cloudsPath} does not exist.`
        : `No clouds.yaml was found. Looked in: ${cloudsCandidates.join(', ')}.`,
    });
  }
  // For a clouds.yaml the user picked, its own secure.yaml (beside it) comes first.
  const secure = await firstExisting(
    options.securePath
      ? [options.securePath]
      : [
          ...(options.cloudsPath ? suffixed(dirname(options.cloudsPath), 'secure') : []),
          ...configFileCandidates('secure', options),
        ],
  );

  let cloudMap = parseCloudsFile(clouds.path, clouds.text);
  if (secure) cloudMap = mergeDeep(cloudMap, parseCloudsFile(secure.path, secure.text));

  const result: ImportResult = { profiles: [], problems: [], files: [clouds.path] };
  if (secure) result.files.push(secure.path);
  for (const [name, cloud] of Object.entries(cloudMap)) {
    if (!isRecord(cloud)) {
      result.problems.push({ cloud: name, field: name, message: 'Not a cloud entry; skipped.' });
      continue;
    }
    collect(result, profilesFromCloud(name, cloud));
  }
  result.profiles = withoutSecrets(result.profiles, options.stashSecret);
  return result;
}

/**
 * An openrc file as Horizon and the CLI docs write them. `$VAR`s the file does not set are
 * looked up in `env` (default: this process's environment), except `OS_*` ones: those
 * belong to whatever shell the user has open, not to this file.
 */
export async function importOpenrc(
  path: string,
  { stashSecret, env = process.env }: { stashSecret: StashSecret; env?: NodeJS.ProcessEnv },
): Promise<ImportResult> {
  const text = await readText(path);
  if (text === undefined) {
    throw new AppError({ kind: 'filesystem', message: `${path} does not exist.` });
  }
  const { variables, unresolved } = parseOpenrc(text, (name) =>
    name.startsWith('OS_') ? undefined : env[name],
  );
  const name = basename(path)
    .replace(/\.(sh|txt|rc)$/, '')
    .replace(/[-_.]?openrc$/i, '');
  const source = name || variables.get('OS_PROJECT_NAME') || 'openrc';
  const result: ImportResult = { profiles: [], problems: [], files: [path] };

  for (const [variable, reference] of unresolved) {
    result.problems.push({
      cloud: source,
      field: variable,
      message: `Set from ${reference}, which this file does not define (it is probably typed in or read from the terminal). Enter the value in the profile.`,
    });
  }
  const cloud: Json = {};
  for (const [variable, value] of variables) {
    if (!variable.startsWith('OS_') || value === '') continue;
    if (
      ['OS_CLOUD', 'OS_CLOUD_NAME', 'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE'].includes(
        variable,
      )
    ) {
      result.problems.push({
        cloud: source,
        field: variable,
        message: `Points at clouds.yaml (${value}); import clouds.yaml to get that cloud.`,
      });
      continue;
    }
    cloud[variable.slice(3).toLowerCase()] = value;
  }
  if (Object.keys(cloud).length === 0) {
    result.problems.push({
      cloud: source,
      field: 'OS_AUTH_URL',
      message:
        'The file sets none of the OS_* connection variables, so there is nothing to import.',
    });
    return result;
  }
  const found = profilesFromCloud(source, cloud, envName);
  const proxy = openrcProxy(variables, scalar(cloud.auth_url), (field, message) =>
    result.problems.push({ cloud: source, field, message }),
  );
  if (proxy !== undefined) for (const profile of found.profiles) profile.proxy = proxy;
  // A secret set from an unresolved $VAR is already reported above.
  const reported = new Set(unresolved.keys());
  collect(result, {
    profiles: withoutSecrets(found.profiles, stashSecret),
    problems: found.problems.filter((problem) => !reported.has(problem.field)),
  });
  return result;
}

/**
 * The proxy an openrc file sets for the `openstack` CLI (which, like every Python client,
 * reads `https_proxy` for https URLs and `http_proxy` for http ones). A profile has one
 * proxy: the one for the auth URL's scheme. Values are never quoted in problems: a proxy
 * URL may hold a password.
 */
function openrcProxy(
  variables: ReadonlyMap<string, string>,
  authUrl: string | undefined,
  report: (field: string, message: string) => void,
): string | undefined {
  const https = ['https_proxy', 'HTTPS_PROXY'];
  const http = ['http_proxy', 'HTTP_PROXY'];
  const order = authUrl?.startsWith('http:') ? [...http, ...https] : [...https, ...http];
  const [chosen, ...others] = order.filter((name) => (variables.get(name) ?? '') !== '');
  if (chosen === undefined) return undefined;
  const proxy = variables.get(chosen) ?? '';
  if (!profileFieldsObject.shape.proxy.safeParse(proxy).success) {
    report(chosen, 'Not an http:// or https:// proxy address; ignored.');
    return undefined;
  }
  for (const other of others) {
    if (variables.get(other) !== proxy) {
      report(other, `A profile has one proxy: the one in ${chosen} is used; this one is ignored.`);
    }
  }
  return proxy;
}

function collect(result: ImportResult, found: CloudProfiles): void {
  result.profiles.push(...found.profiles);
  result.problems.push(...found.problems);
}

/** How a clouds.yaml key is spelled in an openrc file, for problems found in one. */
function envName(key: string): string {
  return `OS_${key.toUpperCase()}`;
}

/** Like openstacksdk's merge_clouds: nested mappings merge, other values from `extra` win. */
function mergeDeep(base: Json, extra: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeDeep(current, value) : value;
  }
  return merged;
}

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

interface CloudProfiles {
  profiles: ProfileInput[];
  problems: ImportProblem[];
}

function profilesFromCloud(
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
