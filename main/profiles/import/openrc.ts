/**
 * Import of an openrc file as Horizon and the CLI docs write them: its OS_* variables are
 * read as one cloud entry, and the proxy it sets for the CLI is carried over.
 */
import { basename } from 'node:path';
import { AppError } from '../../../common/errors';
import {
  profileFieldsObject,
  type ImportProblemDetails,
  type ImportResult,
} from '../../../common/profile';
import { profilesFromCloud } from './cloud-to-profile';
import { readConfigFile } from './config-files';
import { parseOpenrc } from './openrc-variables';
import { withoutSecrets, type StashSecret } from './stash-secrets';

/** Variables that select a cloud in clouds.yaml instead of describing one. */
const cloudsYamlVariables = [
  'OS_CLOUD',
  'OS_CLOUD_NAME',
  'OS_CLIENT_CONFIG_FILE',
  'OS_CLIENT_SECURE_FILE',
];

/**
 * `$VAR`s the file does not set are looked up in `env` (default: this process's
 * environment), except `OS_*` ones: those belong to whatever shell the user has open, not
 * to this file.
 */
export async function importOpenrc(
  path: string,
  { stashSecret, env = process.env }: { stashSecret: StashSecret; env?: NodeJS.ProcessEnv },
): Promise<ImportResult> {
  const text = await readConfigFile(path);
  if (text === undefined) {
    throw new AppError({
      kind: 'filesystem',
      message: `${path} does not exist.`,
      details: { reason: 'path-missing', path },
    });
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
      code: 'unresolved-variable',
      reference,
    });
  }
  const cloud: Record<string, string> = {};
  for (const [variable, value] of variables) {
    if (!variable.startsWith('OS_') || value === '') continue;
    if (cloudsYamlVariables.includes(variable)) {
      result.problems.push({
        cloud: source,
        field: variable,
        code: 'points-at-clouds-yaml',
        value,
      });
      continue;
    }
    cloud[variable.slice(3).toLowerCase()] = value;
  }
  if (Object.keys(cloud).length === 0) {
    result.problems.push({ cloud: source, field: 'OS_AUTH_URL', code: 'nothing-to-import' });
    return result;
  }
  const found = profilesFromCloud(source, cloud, envName);
  const proxy = openrcProxy(variables, cloud.auth_url?.trim(), (field, problem) =>
    result.problems.push({ cloud: source, field, ...problem }),
  );
  if (proxy !== undefined) for (const profile of found.profiles) profile.proxy = proxy;
  // A secret set from an unresolved $VAR is already reported above.
  const reported = new Set(unresolved.keys());
  result.profiles.push(...withoutSecrets(found.profiles, stashSecret));
  result.problems.push(...found.problems.filter((problem) => !reported.has(problem.field)));
  return result;
}

/** How a clouds.yaml key is spelled in an openrc file, for problems found in one. */
function envName(key: string): string {
  return `OS_${key.toUpperCase()}`;
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
  report: (field: string, problem: ImportProblemDetails) => void,
): string | undefined {
  const https = ['https_proxy', 'HTTPS_PROXY'];
  const http = ['http_proxy', 'HTTP_PROXY'];
  const order = authUrl?.startsWith('http:') ? [...http, ...https] : [...https, ...http];
  const [chosen, ...others] = order.filter((name) => (variables.get(name) ?? '') !== '');
  if (chosen === undefined) return undefined;
  const proxy = variables.get(chosen) ?? '';
  if (!profileFieldsObject.shape.proxy.safeParse(proxy).success) {
    report(chosen, { code: 'proxy-not-http' });
    return undefined;
  }
  for (const other of others) {
    if (variables.get(other) !== proxy) {
      report(other, { code: 'one-proxy', chosen });
    }
  }
  return proxy;
}
