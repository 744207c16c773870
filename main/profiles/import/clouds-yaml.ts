/**
 * Import of a clouds.yaml, with its secure.yaml merged in by cloud name, as the
 * `openstack` CLI reads them: each cloud entry becomes one profile per region.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { AppError } from '../../../common/errors';
import type { ImportResult } from '../../../common/profile';
import { isRecord } from '../../settings/upgrade';
import { profilesFromCloud } from './cloud-to-profile';
import { findConfigFiles, type ConfigFileChoice } from './config-files';
import { withoutSecrets, type StashSecret } from './stash-secrets';

type Json = Record<string, unknown>;

/** YAML (or JSON) with a `clouds:` mapping. Errors name the line, never quote the file (it may hold passwords). */
export function parseCloudsFile(path: string, text: string): Json {
  let data: unknown;
  try {
    data = parseYaml(text);
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
  if (!isRecord(data) || !isRecord(data.clouds)) {
    throw new AppError({
      kind: 'validation',
      message: `${path} has no "clouds:" section, so it is not a clouds.yaml file.`,
      details: { reason: 'not-clouds-yaml', path },
    });
  }
  return data.clouds;
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
  const { clouds, secure } = await findConfigFiles(options);
  let cloudMap = parseCloudsFile(clouds.path, clouds.text);
  if (secure) cloudMap = mergeDeep(cloudMap, parseCloudsFile(secure.path, secure.text));

  const result: ImportResult = { profiles: [], problems: [], files: [clouds.path] };
  if (secure) result.files.push(secure.path);
  for (const [name, cloud] of Object.entries(cloudMap)) {
    if (!isRecord(cloud)) {
      result.problems.push({ cloud: name, field: name, code: 'not-a-cloud' });
      continue;
    }
    const found = profilesFromCloud(name, cloud);
    result.profiles.push(...found.profiles);
    result.problems.push(...found.problems);
  }
  result.profiles = withoutSecrets(result.profiles, options.stashSecret);
  return result;
}
