/**
 * Settings written by older versions of Glance Desk, and the explicit functions that bring
 * them up to the current shape, one version step at a time (as mattermost/desktop's
 * upgradePreferences does). Upgrades never throw: they carry over what they recognise and
 * leave validation of the result to the caller, which salvages and reports what is left.
 *
 * Version 1 (0.0.x previews) had no `version` key: flat, password-only profiles with
 * `username` / `userDomain` / `project` / `projectDomain`, keystoneauth-style
 * `endpointType: "publicURL"`, `verifySsl`, the safeStorage ciphertext in `encryptedPassword`,
 * and app-wide `language` ("en_US" / "zh_CN"), `darkMode` and a single `downloadDir`.
 *
 * Version 2 (0.1.0) sent a saved secret wherever the profile pointed, and kept a proxy's
 * user name and password in plaintext inside its `proxy` URL. Version 3 binds each saved
 * secret to the settings it was entered for (`secretBinding`, see
 * common/secret-binding.ts) and keeps proxy credentials encrypted (`proxyCredentialsCipher`).
 */
import { secretBinding, splitProxyCredentials } from '../../common/secret-binding';

export const currentSettingsVersion = 3;

/**
 * Keeps a secret an upgrade takes out of a plaintext field: returns its cipher for the
 * file, or undefined where this machine cannot encrypt (the secret is then held in memory
 * for the session, never written).
 */
export type KeepSecret = (profileId: string, secret: string) => string | undefined;

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The version a settings object says it is; files without a `version` key are version 1. */
export function settingsVersion(data: Json): number {
  return typeof data.version === 'number' ? data.version : 1;
}

const upgrades: Record<number, (data: Json, keepSecret: KeepSecret) => Json> = {
  1: upgradeV1ToV2,
  2: upgradeV2ToV3,
};

/** Runs every upgrade from the file's version to the current one. Newer or unknown versions are returned unchanged. */
export function upgradeSettings(data: Json, keepSecret: KeepSecret): Json {
  let result = data;
  for (let version = settingsVersion(result); version < currentSettingsVersion; version++) {
    const upgrade = upgrades[version];
    if (!upgrade) break;
    result = upgrade(result, keepSecret);
  }
  return result;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function withoutUndefined(data: Json): Json {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

const v1Locales: Record<string, string> = {
  en_US: 'en',
  en: 'en',
  zh_CN: 'zh-CN',
  'zh-CN': 'zh-CN',
};

function upgradeV1ToV2(data: Json): Json {
  const downloadDir = text(data.downloadDir);
  const profiles = Array.isArray(data.profiles) ? data.profiles : [];
  return {
    version: 2,
    profiles: profiles.map((profile) =>
      isRecord(profile) ? upgradeV1Profile(profile, downloadDir) : profile,
    ),
    app: withoutUndefined({
      locale: v1Locales[text(data.language) ?? ''] ?? 'system',
      theme: data.darkMode === true ? 'dark' : data.darkMode === false ? 'light' : 'system',
      pinnedFolders: downloadDir ? [downloadDir] : [],
      lastProfileId: text(data.lastProfile),
    }),
  };
}

function upgradeV1Profile(profile: Json, downloadDir: string | undefined): Json {
  const endpointType = text(profile.endpointType)?.replace(/URL$/, '');
  return withoutUndefined({
    id: text(profile.id),
    name: text(profile.name),
    authUrl: text(profile.authUrl),
    authMethod: 'password',
    userName: text(profile.username),
    userDomainName: text(profile.userDomain),
    projectName: text(profile.project),
    projectDomainName: text(profile.projectDomain),
    region: text(profile.region),
    interface: endpointType ?? 'public',
    insecure: profile.verifySsl === false ? true : undefined,
    caFile: text(profile.caCert),
    downloadFolder: downloadDir,
    secretCipher: text(profile.encryptedPassword),
  });
}

function upgradeV2ToV3(data: Json, keepSecret: KeepSecret): Json {
  return {
    ...data,
    version: 3,
    profiles: Array.isArray(data.profiles)
      ? data.profiles.map((profile) =>
          isRecord(profile) ? upgradeV2Profile(profile, keepSecret) : profile,
        )
      : data.profiles,
  };
}

function upgradeV2Profile(profile: Json, keepSecret: KeepSecret): Json {
  const upgraded: Json = { ...profile };
  const stored = (key: string): string | undefined => {
    const value = profile[key];
    return typeof value === 'string' ? value : undefined;
  };
  const { proxy, credentials } = splitProxyCredentials(stored('proxy') ?? '');
  if (credentials !== undefined) {
    upgraded.proxy = proxy;
    const id = stored('id');
    const cipher = id === undefined ? undefined : keepSecret(id, credentials);
    if (cipher !== undefined) upgraded.proxyCredentialsCipher = cipher;
  }
  // The saved secret was used with these settings until now: they are what it was entered for.
  if (stored('secretCipher') !== undefined) {
    upgraded.secretBinding = secretBinding({
      authUrl: stored('authUrl'),
      imageEndpoint: stored('imageEndpoint'),
      proxy: stored('proxy') === undefined ? undefined : proxy,
      insecure: profile.insecure === true,
      caFile: stored('caFile'),
    });
  }
  return upgraded;
}
