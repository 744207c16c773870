/**
 * Connection profiles and app-wide settings as the renderer sees and edits them, with the
 * zod schemas main validates them with. No secret ever leaves main: `ProfileInput.secret`
 * only travels renderer → main, and `Profile` carries just `secretState`.
 * Types and zod only: the renderer imports this file.
 */
import { z } from 'zod';
import type { AppErrorData } from './errors';
import type { EndpointInterface } from './connection';

export const authMethods = ['password', 'application-credential', 'token'] as const;
export type AuthMethod = (typeof authMethods)[number];

export const endpointInterfaces = [
  'public',
  'internal',
  'admin',
] as const satisfies readonly EndpointInterface[];

const text = (max: number) => z.string().min(1).max(max);
const httpUrl = z.url({ protocol: /^https?$/, error: 'Enter a full http:// or https:// address.' });

/** Every field of a profile except its id and secret: what is stored and what the form edits. */
export const profileFieldsObject = z.object({
  name: z.string().min(1, 'Enter a name for this profile.').max(80),
  /** Short tag shown next to the name, e.g. "prod". */
  label: text(20).optional(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Pick a colour as #rrggbb.')
    .optional(),
  /** Keystone URL, with or without /v3. Optional only for a token with an image endpoint. */
  authUrl: httpUrl.optional(),
  authMethod: z.enum(authMethods),
  userName: text(255).optional(),
  userId: text(255).optional(),
  userDomainName: text(255).optional(),
  userDomainId: text(255).optional(),
  projectName: text(255).optional(),
  projectId: text(255).optional(),
  projectDomainName: text(255).optional(),
  projectDomainId: text(255).optional(),
  applicationCredentialId: text(255).optional(),
  /** Use this Glance URL instead of the catalog's (needed for a token without an auth URL). */
  imageEndpoint: httpUrl.optional(),
  region: text(255).optional(),
  interface: z.enum(endpointInterfaces),
  /** PEM file with extra CA certificates to trust. */
  caFile: text(4096).optional(),
  /** Skip TLS certificate verification (dangerous; the UI flags it). */
  insecure: z.boolean().optional(),
  /**
   * Proxy URL; when absent, HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply. A user name and
   * password in it (`http://user:password@proxy:3128`) are a secret: main keeps them
   * encrypted apart from the profile, and the renderer never gets them back.
   */
  proxy: httpUrl.optional(),
  /** Where downloads go by default for this profile. */
  downloadFolder: text(4096).optional(),
  /** Connections per download from this cloud; absent: the app's setting. */
  connectionsPerDownload: z.int().min(1).max(16).optional(),
  /** The provider template (common/providers.ts) the profile was made from. */
  provider: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
});

export type ProfileFields = z.infer<typeof profileFieldsObject>;

/** The rules that span several fields: what each auth method needs. */
export function checkAuthFields(fields: ProfileFields, ctx: z.RefinementCtx): void {
  const need = (path: keyof ProfileFields, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message, params: { missing: true } });
  if (!fields.authUrl && !(fields.authMethod === 'token' && fields.imageEndpoint)) {
    need('authUrl', 'Enter the authentication (Keystone) URL.');
  }
  if (fields.authMethod === 'password') {
    if (!fields.userId && !fields.userName) need('userName', 'Enter the user name or user ID.');
    if (!fields.userId && fields.userName && !fields.userDomainName && !fields.userDomainId) {
      need('userDomainName', "Enter the user's domain (name or ID), often Default.");
    }
    if (!fields.projectId && !fields.projectName) {
      need('projectName', 'Enter the project name or project ID.');
    }
    if (
      !fields.projectId &&
      fields.projectName &&
      !fields.projectDomainName &&
      !fields.projectDomainId
    ) {
      need('projectDomainName', "Enter the project's domain (name or ID), often Default.");
    }
  }
  if (fields.authMethod === 'application-credential' && !fields.applicationCredentialId) {
    need('applicationCredentialId', 'Enter the application credential ID.');
  }
}

export const profileFieldsSchema = profileFieldsObject.superRefine(checkAuthFields);

/**
 * What the profile form sends. `secret` is the password, application-credential secret or
 * token; leave it out (or empty) when editing to keep the one already saved, which main
 * allows only while the settings it was entered for are unchanged (common/secret-binding.ts).
 * `importedSecret` and `importedProxyCredentials` stand for secrets an import found: main
 * keeps the secrets themselves (the renderer never sees them) and uses them on save when
 * none is typed. Proxy credentials are typed into `proxy`; without them the saved ones are
 * kept, unless `removeProxyCredentials`.
 */
export const profileInputObject = profileFieldsObject.extend({
  secret: z.string().min(1).max(16_384).optional(),
  importedSecret: z.uuid().optional(),
  importedProxyCredentials: z.uuid().optional(),
  removeProxyCredentials: z.boolean().optional(),
});
export type ProfileInput = z.infer<typeof profileInputObject>;

/** Form values arrive with surrounding blanks and '' for empty fields: trim them (never the secret) and drop the empty ones. */
function normaliseForm(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const field = typeof raw === 'string' && key !== 'secret' ? raw.trim() : raw;
    if (field !== '' && field !== undefined && field !== null) out[key] = field;
  }
  return out;
}

export const profileInputSchema = z.preprocess(
  normaliseForm,
  profileInputObject.superRefine(checkAuthFields),
);

/** Where a profile's secret is: encrypted in the settings file, in memory until the app quits, or nowhere. */
export type SecretState = 'stored' | 'session' | 'missing';

/** A saved profile as the renderer sees it: never the secret itself, and `proxy` without credentials. */
export interface Profile extends ProfileFields {
  id: string;
  secretState: SecretState;
  /** Where the proxy's user name and password are kept, when the proxy has them. */
  proxyCredentials?: Exclude<SecretState, 'missing'>;
}

/** Whether secrets can be kept across restarts on this machine (the renderer says what that means). */
export interface SecretStorageStatus {
  /** 'keychain', 'dpapi', 'gnome_libsecret', 'kwallet5', 'basic_text', … */
  backend: string;
  /** False where only a plaintext-equivalent backend exists: secrets then last for this session only. */
  persistent: boolean;
}

/** A sign-in method of clouds.yaml / openrc that Glance Desk does not support, by family. */
export type UnsupportedSignIn =
  | 'keystone-v2'
  | 'totp'
  | 'multifactor'
  | 'openid-connect'
  | 'saml'
  | 'adfs'
  | 'oauth1'
  | 'tokenless'
  | 'no-auth'
  | 'http-basic'
  | 'other';

/** The typed facts of each import problem; the key is its code. */
interface ImportProblemFields {
  /** A clouds.yaml entry that is not a mapping. */
  'not-a-cloud': object;
  'regions-not-a-list': object;
  'bad-region-entry': object;
  'not-a-mapping': object;
  'not-a-single-value': object;
  'unsupported-sign-in': { authType: string; signIn: UnsupportedSignIn };
  /** `profile:` names a vendor neither openstacksdk nor clouds-public.yaml knows. */
  'unknown-vendor-profile': { profile: string };
  /** `profile:` is a remote profile: openstacksdk fetches its settings from `site`. */
  'remote-vendor-profile': { profile: string; site: string };
  /** The auth URL has `{region_name}` in it, and the region is none or not fit for a URL. */
  'region-not-in-url': { region: string };
  'client-certificate': object;
  'system-scope': object;
  trust: object;
  passcode: object;
  'not-used': object;
  'domain-scope': object;
  'credential-by-name': { credentialName: string };
  'not-needed-with-credential-id': object;
  /** The file has no password, application-credential secret or token for this profile. */
  'secret-not-in-file': { secret: AuthMethod };
  'endpoint-needs-token': object;
  'unknown-interface': { value: string };
  'identity-api-version': { version: string };
  'image-api-version': { version: string };
  /** The profile's `profileField` is missing or not valid: the user completes it before saving. */
  incomplete: { profileField: string; missing: boolean };
  /** An openrc variable set from `$reference`, which the file does not define. */
  'unresolved-variable': { reference: string };
  'points-at-clouds-yaml': { value: string };
  'nothing-to-import': object;
  'proxy-not-http': object;
  /** Another proxy variable than `chosen`, the one the profile uses. */
  'one-proxy': { chosen: string };
}

export type ImportProblemCode = keyof ImportProblemFields;

/** What is wrong with an imported value: a code and that code's facts. */
export type ImportProblemDetails = {
  [C in ImportProblemCode]: { code: C } & ImportProblemFields[C];
}[ImportProblemCode];

/** Something in an imported clouds.yaml / openrc that was not taken over as it stood. */
export type ImportProblem = {
  /** The cloud's name in clouds.yaml, or the openrc file's name. */
  cloud: string;
  /** The clouds.yaml key or OS_* variable. */
  field: string;
} & ImportProblemDetails;

const everyImportProblem: Record<ImportProblemCode, true> = {
  'not-a-cloud': true,
  'regions-not-a-list': true,
  'bad-region-entry': true,
  'not-a-mapping': true,
  'not-a-single-value': true,
  'unsupported-sign-in': true,
  'unknown-vendor-profile': true,
  'remote-vendor-profile': true,
  'region-not-in-url': true,
  'client-certificate': true,
  'system-scope': true,
  trust: true,
  passcode: true,
  'not-used': true,
  'domain-scope': true,
  'credential-by-name': true,
  'not-needed-with-credential-id': true,
  'secret-not-in-file': true,
  'endpoint-needs-token': true,
  'unknown-interface': true,
  'identity-api-version': true,
  'image-api-version': true,
  incomplete: true,
  'unresolved-variable': true,
  'points-at-clouds-yaml': true,
  'nothing-to-import': true,
  'proxy-not-http': true,
  'one-proxy': true,
};

/** Every import problem code, at run time (for tests that check each is worded). */
export const importProblemCodes = Object.keys(everyImportProblem) as readonly ImportProblemCode[];

export interface ImportResult {
  /**
   * Ready to show in the profile form; the user reviews them before saving. A secret found in
   * the files is never here: the profile carries its `importedSecret` reference instead.
   */
  profiles: ProfileInput[];
  problems: ImportProblem[];
  /** The files that were read. */
  files: string[];
}

/** Something about a connection the user should know before trusting it; the renderer words it. */
export type ConnectionWarning =
  /** Sign-in (identity) or image traffic, token included, crosses the network unencrypted. */
  | { code: 'plain-http'; service: 'identity' | 'image'; url: string }
  /** The service catalog sends image requests, token included, to another host than the auth URL's. */
  | { code: 'image-host-differs'; authHost: string; imageHost: string };

/**
 * The steps of "Test connection", in order: finding Keystone's v3 API from the auth URL,
 * signing in, finding the image endpoint in the catalog, listing one image.
 */
export const testSteps = ['discovery', 'auth', 'catalog', 'list'] as const;
export type TestStep = (typeof testSteps)[number];

export type TestConnectionResult =
  | {
      ok: true;
      imageEndpoint: string;
      projectId?: string;
      tookMs: number;
      /** How many images the one-image list returned (0 or 1). */
      sampleCount: number;
      /** About the image endpoint the catalog gave (a chosen one is the user's own decision). */
      warnings: ConnectionWarning[];
    }
  | {
      ok: false;
      step: TestStep;
      error: AppErrorData;
      /** The address that could not be reached (network, TLS and time-out failures). */
      address?: string;
    };

// App-wide settings, kept in the same settings file as the profiles.

export const locales = ['system', 'en', 'zh-CN'] as const;
export const themes = ['system', 'light', 'dark'] as const;

export const windowBoundsSchema = z.object({
  x: z.int(),
  y: z.int(),
  width: z.int().min(200).max(100_000),
  height: z.int().min(150).max(100_000),
  maximized: z.boolean(),
});
export type WindowBounds = z.infer<typeof windowBoundsSchema>;

/**
 * What a download does when its file is already in the folder: ask each time, resume the
 * `.part` an earlier download left, overwrite the file, keep both (the new one numbered,
 * ` (1)`), or skip the image.
 */
export const existingFileChoices = ['ask', 'resume', 'overwrite', 'keep-both', 'skip'] as const;
export type ExistingFileChoice = (typeof existingFileChoices)[number];

/** A bandwidth limit in MB/s (1 MB = 1,048,576 bytes, as the app shows sizes); null: none. */
const bandwidthLimit = z.number().min(0.1).max(100_000).nullable();

/** How transfers run: settings of their own in the settings view. */
const transferSettingsFields = {
  /** Transfers that run at the same time; the rest wait in the queue. */
  transfersAtOnce: z.int().min(1).max(8),
  /** HTTP Range requests at once per download; a profile can set its own. */
  connectionsPerDownload: profileFieldsObject.shape.connectionsPerDownload.unwrap(),
  /** Across all downloads together. */
  downloadLimitMBps: bandwidthLimit,
  /** Across all uploads together. */
  uploadLimitMBps: bandwidthLimit,
  /** The default answer when a download's file exists; 'ask' asks each time. */
  existingFile: z.enum(existingFileChoices),
};
export type TransferSettings = z.infer<z.ZodObject<typeof transferSettingsFields>>;

const updateSettingsFields = {
  /** Look for updates at start (the Help menu and Settings can check at any time). */
  automaticUpdates: z.boolean(),
};

const baseAppSettings = z.object({
  locale: z.enum(locales),
  theme: z.enum(themes),
  /** Download folders pinned as drop targets in the transfers view. */
  pinnedFolders: z.array(text(4096)).max(50),
  lastProfileId: text(100).optional(),
  windowBounds: windowBoundsSchema.optional(),
});

/**
 * The app settings as stored. The transfer settings came later: a file without them gets
 * their defaults when it is read, so no settings upgrade is needed.
 */
export const appSettingsSchema = baseAppSettings.extend({
  transfersAtOnce: transferSettingsFields.transfersAtOnce.default(2),
  connectionsPerDownload: transferSettingsFields.connectionsPerDownload.default(4),
  downloadLimitMBps: bandwidthLimit.default(null),
  uploadLimitMBps: bandwidthLimit.default(null),
  existingFile: transferSettingsFields.existingFile.default('ask'),
  automaticUpdates: updateSettingsFields.automaticUpdates.default(true),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;
export type Locale = AppSettings['locale'];
export type Theme = AppSettings['theme'];

/** A change to some settings: only what it names, no defaults filled in. */
export const appSettingsPatchSchema = baseAppSettings
  .extend(transferSettingsFields)
  .extend(updateSettingsFields)
  .partial()
  .strict();

export const defaultAppSettings: AppSettings = {
  locale: 'system',
  theme: 'system',
  pinnedFolders: [],
  transfersAtOnce: 2,
  connectionsPerDownload: 4,
  downloadLimitMBps: null,
  uploadLimitMBps: null,
  existingFile: 'ask',
  automaticUpdates: true,
};
