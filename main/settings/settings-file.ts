/**
 * The one settings file (profiles + app-wide settings), kept by electron-store in the app
 * and by `conf` in tests: electron-store is `conf` underneath, so both get the same options
 * from `settingsStoreOptions`. Before the store opens the file, `openSettingsStore` upgrades
 * settings written by an older version and repairs a damaged or hand-edited file: the
 * original is copied beside it (`settings.corrupt-<timestamp>.json`), what could be read is
 * kept, and the loss is reported as an AppError of kind 'settings' for the UI to show once.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { Options as ConfOptions } from 'conf';
import { AppError, type LostSetting } from '../../common/errors';
import { splitProxyCredentials } from '../../common/secret-binding';
import {
  appSettingsSchema,
  defaultAppSettings,
  profileFieldsObject,
  type AppSettings,
} from '../../common/profile';
import type { SecretBox } from '../profiles/secret-box';
import {
  currentSettingsVersion,
  isRecord,
  settingsVersion,
  upgradeSettings,
  type KeepSecret,
} from './upgrade';

export const settingsFileName = 'settings';

const origin = z.string().min(1).max(4096);

/** common/secret-binding.ts's SecretBinding, as stored. */
const secretBindingSchema = z.object({
  authOrigin: origin.optional(),
  imageOrigin: origin.optional(),
  proxyOrigin: origin.optional(),
  insecure: z.boolean(),
  caFile: z.string().min(1).max(4096).optional(),
});

export const storedProfileSchema = profileFieldsObject
  .extend({
    id: z.string().min(1).max(100),
    /** The secret, encrypted by the SecretBox (base64). Never the plaintext. */
    secretCipher: z.string().min(1).optional(),
    /**
     * What the secret (encrypted here, or held for the session) was entered for. A cipher
     * without one is never used: the secret must be entered again.
     */
    secretBinding: secretBindingSchema.optional(),
    /** The proxy's `user:password`, encrypted by the SecretBox; bound to `proxy`. */
    proxyCredentialsCipher: z.string().min(1).optional(),
  })
  .refine(
    ({ proxy }) => proxy === undefined || splitProxyCredentials(proxy).credentials === undefined,
    { path: ['proxy'], message: 'A user name or password in the proxy URL is never stored.' },
  );
export type StoredProfile = z.infer<typeof storedProfileSchema>;

export const settingsSchema = z
  .object({
    version: z.literal(currentSettingsVersion),
    profiles: z.array(storedProfileSchema),
    app: appSettingsSchema,
  })
  .superRefine((settings, ctx) => {
    const ids = settings.profiles.map((profile) => profile.id);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['profiles'], message: 'Two profiles share an id.' });
    }
  });
export type Settings = z.infer<typeof settingsSchema>;

/** The part of a conf / electron-store instance the profile and app settings stores use. */
export interface SettingsStoreLike {
  readonly path: string;
  get<K extends keyof Settings>(key: K): Settings[K];
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

export type SettingsStoreOptions = ConfOptions<Settings> & { name: string; cwd: string };

export function defaultSettings(): Settings {
  return { version: currentSettingsVersion, profiles: [], app: { ...defaultAppSettings } };
}

/** conf validates every read and write against this JSON schema, derived from the zod one. */
const jsonSchema = z.toJSONSchema(settingsSchema, { io: 'input' }) as {
  properties: ConfOptions<Settings>['schema'];
};

/**
 * Options for `new Store(options)` (electron-store, which reads `name`) and for
 * `new Conf(options)` (which reads `configName`): the same file either way.
 */
export function settingsStoreOptions(cwd: string): SettingsStoreOptions {
  return {
    name: settingsFileName,
    configName: settingsFileName,
    cwd,
    defaults: defaultSettings(),
    schema: jsonSchema.properties,
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
  };
}

export function settingsFilePath(cwd: string): string {
  return join(cwd, `${settingsFileName}.json`);
}

export interface OpenedSettings<S> {
  store: S;
  /** What to tell the user about the file (repaired, backed up). */
  problems: AppError[];
  /**
   * Proxy credentials an upgrade took out of a proxy URL where this machine cannot encrypt
   * them, by profile id: the profile store holds them for this session.
   */
  heldProxyCredentials: Map<string, string>;
}

/**
 * Repairs and upgrades the settings file in `cwd`, then builds the store with `create`
 * (`(options) => new Store(options)` in the app, `new Conf(options)` in tests). Secrets an
 * upgrade takes out of plaintext fields are encrypted with `secretBox`.
 */
export function openSettingsStore<S extends SettingsStoreLike>(
  cwd: string,
  create: (options: SettingsStoreOptions) => S,
  secretBox: SecretBox,
): OpenedSettings<S> {
  const heldProxyCredentials = new Map<string, string>();
  const keepSecret: KeepSecret = (profileId, secret) => {
    if (secretBox.canEncrypt()) return secretBox.encrypt(secret);
    heldProxyCredentials.set(profileId, secret);
    return undefined;
  };
  const problems = prepareSettingsFile(settingsFilePath(cwd), keepSecret);
  return { store: create(settingsStoreOptions(cwd)), problems, heldProxyCredentials };
}

/** Makes the file at `path` valid and current (or leaves it absent). Returns what to tell the user. */
export function prepareSettingsFile(
  path: string,
  keepSecret: KeepSecret,
  now = new Date(),
): AppError[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return [];
    throw new AppError(
      {
        kind: 'settings',
        message: `The settings file ${path} could not be read (${code ?? 'unknown error'}).`,
        details: { reason: 'settings-unreadable', path, ...(code === undefined ? {} : { code }) },
      },
      { cause: error },
    );
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [startOver(path, now, true)];
  }
  if (!isRecord(raw)) return [startOver(path, now, false)];

  const version = settingsVersion(raw);
  const upgraded = upgradeSettings(raw, keepSecret);
  const parsed = settingsSchema.safeParse(upgraded);
  if (parsed.success) {
    if (version !== currentSettingsVersion) writeSettings(path, parsed.data);
    return [];
  }

  const { settings, lost } = salvage(upgraded);
  const backup = backUp(path, now);
  writeSettings(path, settings);
  const newerVersion = version > currentSettingsVersion;
  const why = newerVersion
    ? 'The settings file was written by a newer version of Glance Desk'
    : 'The settings file was damaged or edited by hand';
  return [
    new AppError({
      kind: 'settings',
      message: `${why}. ${lost.length > 0 ? `Left out: ${lost.map(lostWords).join('; ')}.` : 'Everything in it could still be used.'} A copy of the original was kept at ${backup}.`,
      details: { reason: 'settings-repaired', backupPath: backup, newerVersion, lost },
    }),
  ];
}

function lostWords(lost: LostSetting): string {
  switch (lost.part) {
    case 'profile':
      return lost.name === undefined ? `profile number ${lost.number}` : `profile "${lost.name}"`;
    case 'profiles':
      return 'the list of profiles';
    case 'setting':
      return `the ${lost.key} setting`;
  }
}

function startOver(path: string, now: Date, notJson: boolean): AppError {
  const backup = backUp(path, now);
  writeSettings(path, defaultSettings());
  const why = notJson ? 'it is not valid JSON' : 'it does not hold settings';
  return new AppError({
    kind: 'settings',
    message: `The settings file was damaged (${why}), so Glance Desk started with empty settings. A copy of it was kept at ${backup}.`,
    details: { reason: 'settings-reset', backupPath: backup, notJson },
  });
}

/** Keeps every profile and app setting that is valid on its own; lists the rest. */
function salvage(record: Record<string, unknown>): { settings: Settings; lost: LostSetting[] } {
  const settings = defaultSettings();
  const lost: LostSetting[] = [];

  if (Array.isArray(record.profiles)) {
    const ids = new Set<string>();
    record.profiles.forEach((candidate: unknown, index) => {
      const parsed = storedProfileSchema.safeParse(candidate);
      if (!parsed.success) {
        const name =
          isRecord(candidate) && typeof candidate.name === 'string' ? candidate.name : '';
        lost.push({ part: 'profile', ...(name ? { name } : {}), number: index + 1 });
        return;
      }
      // A hand-copied entry keeps its data under a fresh id rather than clashing.
      const profile = ids.has(parsed.data.id) ? { ...parsed.data, id: randomUUID() } : parsed.data;
      ids.add(profile.id);
      settings.profiles.push(profile);
    });
  } else if (record.profiles !== undefined) {
    lost.push({ part: 'profiles' });
  }

  const app = isRecord(record.app) ? record.app : {};
  const appSettings: Record<string, unknown> = { ...defaultAppSettings };
  for (const [key, schema] of Object.entries(appSettingsSchema.shape)) {
    if (app[key] === undefined) continue;
    const parsed = schema.safeParse(app[key]);
    if (parsed.success) appSettings[key] = parsed.data;
    else lost.push({ part: 'setting', key });
  }
  settings.app = appSettings as AppSettings;
  return { settings, lost };
}

function backUp(path: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const backup = join(dirname(path), `${basename(path, '.json')}.corrupt-${stamp}.json`);
  copyFileSync(path, backup);
  return backup;
}

/** Same format as conf (tab-indented JSON), written to a temporary file and renamed into place. */
function writeSettings(path: string, settings: Settings): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(settings, undefined, '\t'), { mode: 0o600 });
  renameSync(temporary, path);
}
