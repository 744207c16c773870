/**
 * Where the `openstack` CLI (openstacksdk) looks for clouds.yaml, secure.yaml and
 * clouds-public.yaml (vendor profiles), in its order, and finding the files that are there.
 * The first file found wins.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '../../../common/errors';

export type ConfigKind = 'clouds' | 'secure' | 'clouds-public';

/** Where to search from; each defaults to this process's own (tests pass their own). */
export interface ConfigSearch {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  platform?: NodeJS.Platform;
}

export interface ConfigFile {
  path: string;
  text: string;
}

/** The folders openstacksdk searches, in its order. */
function configFolders(search: ConfigSearch): string[] {
  const home = search.home ?? homedir();
  const env = search.env ?? process.env;
  const platform = search.platform ?? process.platform;
  const folders = [search.cwd ?? process.cwd()];
  if (env.XDG_CONFIG_HOME) folders.push(join(env.XDG_CONFIG_HOME, 'openstack'));
  if (platform === 'darwin')
    folders.push(join(home, 'Library', 'Application Support', 'openstack'));
  if (platform === 'win32' && env.LOCALAPPDATA) {
    folders.push(join(env.LOCALAPPDATA, 'OpenStack', 'openstack'));
  }
  folders.push(join(home, '.config', 'openstack'), '/etc/openstack');
  return [...new Set(folders)];
}

function filesIn(folder: string, kind: ConfigKind): string[] {
  return ['.yaml', '.yml', '.json'].map((suffix) => join(folder, kind + suffix));
}

/** Every path searched for `kind`, in order; the env override (none for vendor files) comes first. */
export function configFileCandidates(kind: ConfigKind, search: ConfigSearch = {}): string[] {
  const env = search.env ?? process.env;
  const override = {
    clouds: env.OS_CLIENT_CONFIG_FILE,
    secure: env.OS_CLIENT_SECURE_FILE,
    'clouds-public': undefined,
  }[kind];
  const files = configFolders(search).flatMap((folder) => filesIn(folder, kind));
  return override ? [override, ...files] : files;
}

/** The file's text, or undefined when there is no such file. */
export async function readConfigFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new AppError(
      {
        kind: 'filesystem',
        message: `Could not read ${path} (${code ?? 'unknown error'}).`,
        details: { reason: 'file-error', path, code: code ?? 'UNKNOWN' },
      },
      { cause: error },
    );
  }
}

async function firstExisting(paths: string[]): Promise<ConfigFile | undefined> {
  for (const path of paths) {
    const text = await readConfigFile(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

export interface ConfigFileChoice extends ConfigSearch {
  /** A clouds.yaml chosen by the user; otherwise the usual places are searched. */
  cloudsPath?: string;
  /** A secure.yaml chosen by the user; otherwise the usual places are searched. */
  securePath?: string;
}

/**
 * The clouds.yaml to import, the secure.yaml to merge into it and the clouds-public.yaml
 * with vendor profiles, when there are such. For a clouds.yaml the user picked, the files
 * beside it come first.
 */
export async function findConfigFiles(
  choice: ConfigFileChoice,
): Promise<{ clouds: ConfigFile; secure?: ConfigFile; vendors?: ConfigFile }> {
  const cloudsCandidates = choice.cloudsPath
    ? [choice.cloudsPath]
    : configFileCandidates('clouds', choice);
  const clouds = await firstExisting(cloudsCandidates);
  if (!clouds) {
    throw new AppError(
      choice.cloudsPath
        ? {
            kind: 'filesystem',
            message: `${choice.cloudsPath} does not exist.`,
            details: { reason: 'path-missing', path: choice.cloudsPath },
          }
        : {
            kind: 'filesystem',
            message: `No clouds.yaml was found. Looked in: ${cloudsCandidates.join(', ')}.`,
            details: { reason: 'no-clouds-yaml', looked: cloudsCandidates },
          },
    );
  }
  const besideChosen = (kind: ConfigKind) =>
    choice.cloudsPath ? filesIn(dirname(choice.cloudsPath), kind) : [];
  const secure = await firstExisting(
    choice.securePath
      ? [choice.securePath]
      : [...besideChosen('secure'), ...configFileCandidates('secure', choice)],
  );
  const vendors = await firstExisting([
    ...besideChosen('clouds-public'),
    ...configFileCandidates('clouds-public', choice),
  ]);
  return { clouds, ...(secure ? { secure } : {}), ...(vendors ? { vendors } : {}) };
}
