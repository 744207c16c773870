/**
 * Import of a clouds.yaml, with its secure.yaml merged in by cloud name and its
 * clouds-public.yaml's vendor profiles at hand, as the `openstack` CLI reads them: each cloud
 * entry becomes one profile per region.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { AppError } from '../../../common/errors';
import type { ImportResult } from '../../../common/profile';
import { isRecord } from '../../settings/upgrade';
import { profilesFromCloud } from './cloud-to-profile';
import { findConfigFiles, type ConfigFileChoice } from './config-files';
import { withoutSecrets, type StashSecret } from './stash-secrets';
import type { PublicClouds } from './vendor-profile';

type Json = Record<string, unknown>;

/**
 * YAML (or JSON) read as openstacksdk's PyYAML reads it: YAML 1.1 (`no` is false, `0755` is
 * octal), integers exact however long (an id written as a number). Errors name the line,
 * never quote the file (it may hold passwords).
 */
function parseConfigYaml(path: string, text: string): unknown {
  try {
    return parseYaml(text, { version: '1.1', intAsBigInt: true });
  } catch (error) {
    const position = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
    const where = position ? ` (line ${position.line}, column ${position.col})` : '';
    throw new AppError({
      kind: 'validation',
      message: `${path} is not valid YAML${where}.`,
      details: {
        reason: 'not-yaml',
        path,
        ...(position ? { line: position.line, column: position.col } : {}),
      },
    });
  }
}

/** A clouds.yaml or secure.yaml: its `clouds:` mapping. */
export function parseCloudsFile(path: string, text: string): Json {
  const data = parseConfigYaml(path, text);
  if (!isRecord(data) || !isRecord(data.clouds)) {
    throw new AppError({
      kind: 'validation',
      message: `${path} has no "clouds:" section, so it is not a clouds.yaml file.`,
      details: { reason: 'not-clouds-yaml', path },
    });
  }
  return data.clouds;
}

/** A clouds-public.yaml: its `public-clouds:` vendor profiles (none when it has no such mapping). */
export function parsePublicCloudsFile(path: string, text: string): PublicClouds {
  const data = parseConfigYaml(path, text);
  const clouds = isRecord(data) ? data['public-clouds'] : undefined;
  return isRecord(clouds)
    ? Object.fromEntries(
        Object.entries(clouds).filter((entry): entry is [string, Json] => isRecord(entry[1])),
      )
    : {};
}

/** Like openstacksdk's merge_clouds: nested mappings merge, other values from `extra` win. */
export function mergeDeep(base: Json, extra: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeDeep(current, value) : value;
  }
  return merged;
}

export async function importCloudsYaml(
  options: ConfigFileChoice & { stashSecret: StashSecret },
): Promise<ImportResult> {
  const { clouds, secure, vendors } = await findConfigFiles(options);
  let cloudMap = parseCloudsFile(clouds.path, clouds.text);
  if (secure) cloudMap = mergeDeep(cloudMap, parseCloudsFile(secure.path, secure.text));
  const publicClouds = vendors ? parsePublicCloudsFile(vendors.path, vendors.text) : {};

  const result: ImportResult = { profiles: [], problems: [], files: [clouds.path] };
  if (secure) result.files.push(secure.path);
  if (vendors) result.files.push(vendors.path);
  for (const [name, cloud] of Object.entries(cloudMap)) {
    if (!isRecord(cloud)) {
      result.problems.push({ cloud: name, field: name, code: 'not-a-cloud' });
      continue;
    }
    const found = profilesFromCloud(name, cloud, undefined, publicClouds);
    result.profiles.push(...found.profiles);
    result.problems.push(...found.problems);
  }
  result.profiles = withoutSecrets(result.profiles, options.stashSecret);
  return result;
}
