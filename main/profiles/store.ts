/**
 * Saved connection profiles: validated, kept in the settings file, with their secrets (the
 * password, application-credential secret or token, and the proxy's user name and
 * password) encrypted through the SecretBox — or, where the machine cannot encrypt (Linux
 * without a keyring), held in memory for this session only. A secret is never written in
 * plaintext, and a saved or imported one is used only with the settings it was entered for
 * (common/secret-binding.ts): change the auth URL, image endpoint, proxy or TLS settings and
 * it must be entered again.
 */
import { randomUUID } from 'node:crypto';
import { AppError, validationError } from '../../common/errors';
import type { AuthConfig, ConnectionConfig, DomainScoped } from '../../common/connection';
import { imageServiceExtras } from '../openstack/huawei-ims';
import {
  profileFieldsSchema,
  profileInputSchema,
  type Profile,
  type ProfileFields,
  type SecretState,
  type SecretStorageStatus,
} from '../../common/profile';
import {
  changedSetting,
  secretBinding,
  splitProxyCredentials,
  withProxyCredentials,
  type BindingFields,
  type BoundSetting,
  type NeededSecret,
  type SecretBinding,
  type SecretNeededDetails,
} from '../../common/secret-binding';
import type { SettingsStoreLike, StoredProfile } from '../settings/settings-file';
import type { SecretBox } from './secret-box';

const secretWords: Record<NeededSecret, string> = {
  password: 'password',
  'application-credential': 'application credential secret',
  token: 'token',
  'proxy-credentials': 'proxy user name and password',
};

const settingWords: Record<BoundSetting, string> = {
  authUrl: 'authentication URL',
  imageEndpoint: 'image service URL',
  proxy: 'proxy',
  insecure: '“skip TLS verification” setting',
  caFile: 'CA file',
};

/** A secret an import found, until the profile is saved. */
interface Stashed {
  kind: NeededSecret;
  secret: string;
  binding: SecretBinding;
}

/** A profile form, validated, with its secrets apart from its fields. */
interface ParsedInput {
  /** `proxy` without user name and password. */
  fields: ProfileFields;
  /** Typed, or found by the import. */
  secret: string | undefined;
  proxyCredentials: string | undefined;
  removeProxyCredentials: boolean;
  /** The stash references used, forgotten once the profile is saved. */
  stashed: string[];
}

export interface ProfileStoreOptions {
  /** What went wrong reading the settings file at start-up (already repaired and backed up). */
  problems?: readonly AppError[];
  /** Proxy credentials the settings upgrade could not encrypt, by profile id (see openSettingsStore). */
  heldProxyCredentials?: ReadonlyMap<string, string>;
}

export class ProfileStore {
  /** Secrets that could not be encrypted, kept until the app quits. */
  readonly #sessionSecrets = new Map<string, string>();
  readonly #sessionProxyCredentials: Map<string, string>;
  /** Secrets found by an import, by the reference the renderer holds instead, until saved. */
  readonly #stash = new Map<string, Stashed>();
  readonly #problems: readonly AppError[];

  constructor(
    private readonly store: SettingsStoreLike,
    private readonly secretBox: SecretBox,
    options: ProfileStoreOptions = {},
  ) {
    this.#problems = options.problems ?? [];
    this.#sessionProxyCredentials = new Map(options.heldProxyCredentials);
  }

  /** What went wrong reading the settings file at start-up (already repaired and backed up). */
  startupProblems(): AppError[] {
    return [...this.#problems];
  }

  secretStorageStatus(): SecretStorageStatus {
    return { backend: this.secretBox.backend(), persistent: this.secretBox.canEncrypt() };
  }

  /**
   * Keeps a secret found by an import (clouds.yaml, openrc) in memory, bound to the profile
   * it was found for, and returns the reference that goes to the renderer in its place
   * (`ProfileInput.importedSecret` / `importedProxyCredentials`).
   */
  stashSecret(kind: NeededSecret, secret: string, enteredFor: BindingFields): string {
    const reference = randomUUID();
    this.#stash.set(reference, { kind, secret, binding: secretBinding(enteredFor) });
    return reference;
  }

  list(): Profile[] {
    return this.store.get('profiles').map((stored) => this.#toProfile(stored));
  }

  get(id: string): Profile {
    return this.#toProfile(this.#stored(id));
  }

  /** The profile's name, or '' for one deleted since (the activity log keeps its entries). */
  nameOf(id: string): string {
    return this.store.get('profiles').find((stored) => stored.id === id)?.name ?? '';
  }

  /**
   * Creates a profile (no `id`) or replaces the one with `id`. `input` is validated here
   * (it may come straight from the renderer). A missing `secret` keeps the saved one when
   * the auth method is the same, and refuses when a setting the secret is bound to changed
   * (a 'validation' AppError with SecretNeededDetails); likewise for proxy credentials.
   */
  save(input: unknown, id?: string): Profile {
    const parsed = this.#parseInput(input);
    const { fields } = parsed;

    const profiles = this.store.get('profiles');
    const index = id === undefined ? -1 : profiles.findIndex((profile) => profile.id === id);
    if (id !== undefined && index === -1) throw this.#notFound();
    const previous = profiles[index];
    const profileId = previous?.id ?? this.#newId(profiles);

    // Everything that can refuse comes before anything is kept.
    const kept = parsed.secret === undefined ? this.#reusableSecret(previous, fields) : undefined;
    const proxyCredentials = this.#proxyCredentialsFor(previous, parsed);

    const stored: StoredProfile = { ...fields, id: profileId };
    if (parsed.secret !== undefined) {
      const cipher = this.#keep(this.#sessionSecrets, profileId, parsed.secret);
      if (cipher !== undefined) stored.secretCipher = cipher;
      stored.secretBinding = secretBinding(fields);
    } else if (kept !== undefined) {
      if (kept.secretCipher !== undefined) stored.secretCipher = kept.secretCipher;
      stored.secretBinding = kept.secretBinding;
    } else {
      this.#sessionSecrets.delete(profileId);
    }
    if (proxyCredentials === 'keep') {
      if (previous?.proxyCredentialsCipher !== undefined) {
        stored.proxyCredentialsCipher = previous.proxyCredentialsCipher;
      }
    } else if (proxyCredentials !== undefined) {
      const cipher = this.#keep(this.#sessionProxyCredentials, profileId, proxyCredentials);
      if (cipher !== undefined) stored.proxyCredentialsCipher = cipher;
    } else {
      this.#sessionProxyCredentials.delete(profileId);
    }

    if (previous) profiles[index] = stored;
    else profiles.push(stored);
    this.store.set('profiles', profiles);
    for (const reference of parsed.stashed) this.#stash.delete(reference);
    return this.#toProfile(stored);
  }

  /** Sets only the secret, e.g. when the user types a password the store could not keep across a restart. */
  setSecret(id: string, secret: string): Profile {
    if (typeof secret !== 'string' || secret === '') {
      throw new AppError({
        kind: 'validation',
        message: 'Enter the password, secret or token.',
        details: { reason: 'secret-required' },
      });
    }
    const profiles = this.store.get('profiles');
    const index = profiles.findIndex((profile) => profile.id === id);
    const previous = profiles[index];
    if (!previous) throw this.#notFound();
    const stored: StoredProfile = { ...previous, secretBinding: secretBinding(previous) };
    delete stored.secretCipher;
    const secretCipher = this.#keep(this.#sessionSecrets, id, secret);
    if (secretCipher !== undefined) stored.secretCipher = secretCipher;
    profiles[index] = stored;
    this.store.set('profiles', profiles);
    return this.#toProfile(stored);
  }

  delete(id: string): void {
    const profiles = this.store.get('profiles');
    if (!profiles.some((profile) => profile.id === id)) throw this.#notFound();
    this.store.set(
      'profiles',
      profiles.filter((profile) => profile.id !== id),
    );
    this.#sessionSecrets.delete(id);
    this.#sessionProxyCredentials.delete(id);
  }

  /** Everything the OpenStack clients need to connect with this profile, secrets included. Main only. */
  resolveConnection(id: string): ConnectionConfig {
    const stored = this.#stored(id);
    const checked = profileFieldsSchema.safeParse(stored);
    if (!checked.success) throw validationError(checked.error);
    return connectionConfig(checked.data, this.#secret(stored), this.#proxyCredentials(stored));
  }

  /**
   * The connection an unsaved profile form would make (for "Test connection" before saving):
   * its own secrets, or else — with `id` — the saved profile's, on the same terms as `save`.
   */
  resolveInput(input: unknown, id?: string): ConnectionConfig {
    const parsed = this.#parseInput(input);
    const { fields } = parsed;
    const saved = id === undefined ? undefined : this.#stored(id);
    let secret = parsed.secret;
    if (secret === undefined) {
      if (saved?.authMethod !== fields.authMethod) {
        throw new AppError({
          kind: 'auth',
          message: `Enter the ${secretWords[fields.authMethod]} to test the connection.`,
          details: { reason: 'secret-missing', secret: fields.authMethod },
        });
      }
      this.#reusableSecret(saved, fields);
      secret = this.#secret(saved);
    }
    const proxyCredentials = this.#proxyCredentialsFor(saved, parsed);
    return connectionConfig(
      fields,
      secret,
      proxyCredentials === 'keep' && saved ? this.#proxyCredentials(saved) : proxyCredentials,
    );
  }

  /** Validates a form and takes its secrets apart: typed ones, else the ones its import found. */
  #parseInput(input: unknown): ParsedInput {
    const parsed = profileInputSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error);
    const { secret, importedSecret, importedProxyCredentials, removeProxyCredentials, ...fields } =
      parsed.data;
    let proxyCredentials: string | undefined;
    if (fields.proxy !== undefined) {
      const split = splitProxyCredentials(fields.proxy);
      fields.proxy = split.proxy;
      proxyCredentials = split.credentials;
    }
    const stashed: string[] = [];
    const unstash = (reference: string | undefined, kind: NeededSecret): string | undefined => {
      if (reference === undefined) return undefined;
      stashed.push(reference);
      return this.#unstash(reference, kind, fields);
    };
    return {
      fields,
      secret: secret ?? unstash(importedSecret, fields.authMethod),
      proxyCredentials: proxyCredentials ?? unstash(importedProxyCredentials, 'proxy-credentials'),
      removeProxyCredentials: removeProxyCredentials === true,
      stashed,
    };
  }

  /** An imported secret, if it is still there, of that kind, and the profile still points where the import did. */
  #unstash(reference: string, kind: NeededSecret, fields: ProfileFields): string {
    const stashed = this.#stash.get(reference);
    if (stashed === undefined || stashed.kind !== kind) {
      throw secretNeeded(
        kind,
        undefined,
        `The ${secretWords[kind]} found by the import is no longer available (Glance Desk was restarted). Enter it again.`,
      );
    }
    const changed = changedSetting(stashed.binding, fields, kind);
    if (changed !== undefined) throw secretNeeded(kind, changed);
    return stashed.secret;
  }

  /**
   * The saved profile whose secret this form may keep: undefined when there is none to
   * keep (another auth method, or none saved). Throws when the form changed a setting the
   * secret is bound to.
   */
  #reusableSecret(
    previous: StoredProfile | undefined,
    fields: ProfileFields,
  ): (StoredProfile & { secretBinding: SecretBinding }) | undefined {
    if (previous?.authMethod !== fields.authMethod || this.#secretState(previous) === 'missing') {
      return undefined;
    }
    const { secretBinding: binding } = previous;
    if (binding === undefined) return undefined;
    const changed = changedSetting(binding, fields, fields.authMethod);
    if (changed !== undefined) throw secretNeeded(fields.authMethod, changed);
    return { ...previous, secretBinding: binding };
  }

  /**
   * What becomes of the proxy credentials: new ones, the saved ones ('keep'), or none
   * (removed, or no proxy any more). Throws when the proxy changed and none were given.
   */
  #proxyCredentialsFor(
    previous: StoredProfile | undefined,
    { fields, proxyCredentials, removeProxyCredentials }: ParsedInput,
  ): string | 'keep' | undefined {
    if (proxyCredentials !== undefined) return proxyCredentials;
    if (removeProxyCredentials || fields.proxy === undefined) return undefined;
    if (previous === undefined || this.#proxyCredentialsState(previous) === undefined) {
      return undefined;
    }
    const changed = changedSetting(secretBinding(previous), fields, 'proxy-credentials');
    if (changed !== undefined) throw secretNeeded('proxy-credentials', changed);
    return 'keep';
  }

  #stored(id: string): StoredProfile {
    const stored = this.store.get('profiles').find((profile) => profile.id === id);
    if (!stored) throw this.#notFound();
    return stored;
  }

  #notFound(): AppError {
    return new AppError({
      kind: 'not-found',
      message: 'This profile no longer exists.',
      details: { reason: 'profile-gone' },
    });
  }

  #newId(profiles: StoredProfile[]): string {
    let id = randomUUID();
    while (profiles.some((profile) => profile.id === id)) id = randomUUID();
    return id;
  }

  /** Encrypts a secret for the file when possible (returns the cipher); otherwise keeps it in `session` until the app quits. */
  #keep(session: Map<string, string>, id: string, secret: string): string | undefined {
    if (this.secretBox.canEncrypt()) {
      session.delete(id);
      return this.secretBox.encrypt(secret);
    }
    session.set(id, secret);
    return undefined;
  }

  /** A secret without a binding (a hand-edited file) counts as missing: it would go anywhere. */
  #secretState(stored: StoredProfile): SecretState {
    if (stored.secretBinding === undefined) return 'missing';
    if (this.#sessionSecrets.has(stored.id)) return 'session';
    return stored.secretCipher === undefined ? 'missing' : 'stored';
  }

  #proxyCredentialsState(stored: StoredProfile): Profile['proxyCredentials'] {
    if (stored.proxy === undefined) return undefined;
    if (this.#sessionProxyCredentials.has(stored.id)) return 'session';
    return stored.proxyCredentialsCipher === undefined ? undefined : 'stored';
  }

  #secret(stored: StoredProfile): string {
    const word = secretWords[stored.authMethod];
    const { secretBinding: binding } = stored;
    if (binding === undefined || this.#secretState(stored) === 'missing') {
      throw new AppError({
        kind: 'auth',
        message: `No ${word} is saved for “${stored.name}”. Enter it to connect.`,
        details: { reason: 'secret-missing', secret: stored.authMethod, profile: stored.name },
      });
    }
    // Saving checks the binding; this catches a settings file edited since.
    const changed = changedSetting(binding, stored, stored.authMethod);
    if (changed !== undefined) throw secretNeeded(stored.authMethod, changed);
    return (
      this.#sessionSecrets.get(stored.id) ??
      this.#decrypt(stored.secretCipher ?? '', stored.authMethod, stored.name)
    );
  }

  #proxyCredentials(stored: StoredProfile): string | undefined {
    switch (this.#proxyCredentialsState(stored)) {
      case 'session':
        return this.#sessionProxyCredentials.get(stored.id);
      case 'stored':
        return this.#decrypt(stored.proxyCredentialsCipher ?? '', 'proxy-credentials', stored.name);
      default:
        return undefined;
    }
  }

  /** The saved `secret` of the profile named `profile`, decrypted. */
  #decrypt(cipher: string, secret: NeededSecret, profile: string): string {
    try {
      return this.secretBox.decrypt(cipher);
    } catch (error) {
      throw new AppError(
        {
          kind: 'auth',
          message: `The saved ${secretWords[secret]} for “${profile}” could not be unlocked on this computer (the system keyring may have changed). Enter it again.`,
          details: { reason: 'secret-locked', secret, profile },
        },
        { cause: error },
      );
    }
  }

  #toProfile(stored: StoredProfile): Profile {
    const profile: Profile & Partial<StoredProfile> = {
      ...stored,
      secretState: this.#secretState(stored),
    };
    delete profile.secretCipher;
    delete profile.secretBinding;
    delete profile.proxyCredentialsCipher;
    const proxyCredentials = this.#proxyCredentialsState(stored);
    if (proxyCredentials !== undefined) profile.proxyCredentials = proxyCredentials;
    return profile;
  }
}

/** The refusal to send a saved secret where it was not entered for (or to use one that is gone). */
function secretNeeded(
  secret: NeededSecret,
  changed: BoundSetting | undefined,
  message = `Enter the ${secretWords[secret]} again: the saved one was entered for a different ${changed === undefined ? 'profile' : settingWords[changed]}, and Glance Desk sends it nowhere else.`,
): AppError {
  const details: SecretNeededDetails = { reason: 'secret-needed', secret };
  if (changed !== undefined) details.changed = changed;
  return new AppError({ kind: 'validation', message, details });
}

function scoped(id?: string, name?: string, domainId?: string, domainName?: string): DomainScoped {
  const scope: DomainScoped = {};
  if (id) scope.id = id;
  if (name) scope.name = name;
  if (domainId) scope.domainId = domainId;
  if (domainName) scope.domainName = domainName;
  return scope;
}

function connectionConfig(
  fields: ProfileFields,
  secret: string,
  proxyCredentials: string | undefined,
): ConnectionConfig {
  const config: ConnectionConfig = {
    auth: authConfig(fields, secret),
    interface: fields.interface,
  };
  if (fields.authUrl) config.authUrl = fields.authUrl;
  if (fields.region) config.region = fields.region;
  if (fields.imageEndpoint) config.imageEndpoint = fields.imageEndpoint;
  Object.assign(config, imageServiceExtras(fields));
  if (fields.caFile) config.caFile = fields.caFile;
  if (fields.insecure) config.insecure = true;
  if (fields.proxy) {
    config.proxy =
      proxyCredentials === undefined
        ? fields.proxy
        : withProxyCredentials(fields.proxy, proxyCredentials);
  }
  return config;
}

function authConfig(fields: ProfileFields, secret: string): AuthConfig {
  const project = scoped(
    fields.projectId,
    fields.projectName,
    fields.projectDomainId,
    fields.projectDomainName,
  );
  switch (fields.authMethod) {
    case 'password':
      return {
        method: 'password',
        user: scoped(fields.userId, fields.userName, fields.userDomainId, fields.userDomainName),
        password: secret,
        project,
      };
    case 'application-credential':
      // Checked by profileFieldsSchema: an application credential always has its id.
      return { method: 'application-credential', id: fields.applicationCredentialId ?? '', secret };
    case 'token':
      return Object.keys(project).length > 0
        ? { method: 'token', token: secret, project }
        : { method: 'token', token: secret };
  }
}
