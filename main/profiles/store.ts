/**
 * Saved connection profiles: validated, kept in the settings file, with their secrets
 * encrypted through the SecretBox — or, where the machine cannot encrypt (Linux without a
 * keyring), held in memory for this session only. A secret is never written in plaintext.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../common/errors';
import type { AuthConfig, ConnectionConfig, DomainScoped } from '../../common/connection';
import {
  profileFieldsSchema,
  profileInputSchema,
  type AuthMethod,
  type Profile,
  type ProfileFields,
  type SecretState,
  type SecretStorageStatus,
} from '../../common/profile';
import type { SettingsStoreLike, StoredProfile } from '../settings/settings-file';
import type { SecretBox } from './secret-box';
import { validationError } from '../settings/validation';

const secretWords: Record<AuthMethod, string> = {
  password: 'password',
  'application-credential': 'application credential secret',
  token: 'token',
};

export class ProfileStore {
  /** Secrets that could not be encrypted, kept until the app quits. */
  readonly #sessionSecrets = new Map<string, string>();
  /** Secrets found by an import, by the reference the renderer holds instead, until saved. */
  readonly #importedSecrets = new Map<string, string>();

  constructor(
    private readonly store: SettingsStoreLike,
    private readonly secretBox: SecretBox,
    private readonly problems: readonly AppError[] = [],
  ) {}

  /** What went wrong reading the settings file at start-up (already repaired and backed up). */
  startupProblems(): AppError[] {
    return [...this.problems];
  }

  secretStorageStatus(): SecretStorageStatus {
    const backend = this.secretBox.backend();
    if (this.secretBox.canEncrypt()) {
      return {
        backend,
        persistent: true,
        message: `Passwords and tokens are saved encrypted by the system (${backend}).`,
      };
    }
    return {
      backend,
      persistent: false,
      message:
        backend === 'basic_text'
          ? 'No system keyring (such as GNOME Keyring or KWallet) is available, so passwords and tokens are kept only until you quit Glance Desk, never written to disk.'
          : 'This system offers no secure storage, so passwords and tokens are kept only until you quit Glance Desk, never written to disk.',
    };
  }

  /**
   * Keeps a secret found by an import (clouds.yaml, openrc) in memory and returns the
   * reference that goes to the renderer in its place (`ProfileInput.importedSecret`).
   */
  stashSecret(secret: string): string {
    const reference = randomUUID();
    this.#importedSecrets.set(reference, secret);
    return reference;
  }

  list(): Profile[] {
    return this.store.get('profiles').map((stored) => this.#toProfile(stored));
  }

  get(id: string): Profile {
    return this.#toProfile(this.#stored(id));
  }

  /**
   * Creates a profile (no `id`) or replaces the one with `id`. `input` is validated here
   * (it may come straight from the renderer). A missing `secret` keeps the saved one,
   * unless the auth method changed (the old secret would be of the wrong kind).
   */
  save(input: unknown, id?: string): Profile {
    const { fields, secret, importedSecret } = this.#parseInput(input);

    const profiles = this.store.get('profiles');
    const index = id === undefined ? -1 : profiles.findIndex((profile) => profile.id === id);
    if (id !== undefined && index === -1) throw this.#notFound();
    const previous = profiles[index];
    const profileId = previous?.id ?? this.#newId(profiles);

    let secretCipher =
      previous?.authMethod === fields.authMethod ? previous.secretCipher : undefined;
    if (previous && previous.authMethod !== fields.authMethod) {
      this.#sessionSecrets.delete(profileId);
    }
    if (secret !== undefined) {
      secretCipher = this.#keepSecret(profileId, secret);
    }

    const stored: StoredProfile = { ...fields, id: profileId };
    if (secretCipher !== undefined) stored.secretCipher = secretCipher;
    if (previous) profiles[index] = stored;
    else profiles.push(stored);
    this.store.set('profiles', profiles);
    if (importedSecret !== undefined) this.#importedSecrets.delete(importedSecret);
    return this.#toProfile(stored);
  }

  /** Sets only the secret, e.g. when the user types a password the store could not keep across a restart. */
  setSecret(id: string, secret: string): Profile {
    if (typeof secret !== 'string' || secret === '') {
      throw new AppError({ kind: 'validation', message: 'Enter the password, secret or token.' });
    }
    const profiles = this.store.get('profiles');
    const index = profiles.findIndex((profile) => profile.id === id);
    const previous = profiles[index];
    if (!previous) throw this.#notFound();
    const stored: StoredProfile = { ...previous };
    delete stored.secretCipher;
    const secretCipher = this.#keepSecret(id, secret);
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
  }

  /** Everything the OpenStack clients need to connect with this profile, secret included. Main only. */
  resolveConnection(id: string): ConnectionConfig {
    const stored = this.#stored(id);
    const checked = profileFieldsSchema.safeParse(stored);
    if (!checked.success) throw validationError(checked.error);
    return connectionConfig(checked.data, this.#secret(stored));
  }

  /**
   * The connection an unsaved profile form would make (for "Test connection" before saving):
   * its own secret, or else — with `id`, and the same auth method — the saved profile's.
   */
  resolveInput(input: unknown, id?: string): ConnectionConfig {
    const { fields, secret } = this.#parseInput(input);
    if (secret !== undefined) return connectionConfig(fields, secret);
    const saved = id === undefined ? undefined : this.#stored(id);
    if (saved?.authMethod !== fields.authMethod) {
      throw new AppError({
        kind: 'auth',
        message: `Enter the ${secretWords[fields.authMethod]} to test the connection.`,
      });
    }
    return connectionConfig(fields, this.#secret(saved));
  }

  /** Validates a form; its secret is the one typed, else the one its import found. */
  #parseInput(input: unknown): {
    fields: ProfileFields;
    secret: string | undefined;
    importedSecret: string | undefined;
  } {
    const parsed = profileInputSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error);
    const { secret, importedSecret, ...fields } = parsed.data;
    if (secret !== undefined || importedSecret === undefined) {
      return { fields, secret, importedSecret };
    }
    const imported = this.#importedSecrets.get(importedSecret);
    if (imported === undefined) {
      throw new AppError({
        kind: 'validation',
        message: `The ${secretWords[fields.authMethod]} found by the import is no longer available (Glance Desk was restarted). Enter it again.`,
        details: { secret: 'Enter it again.' },
      });
    }
    return { fields, secret: imported, importedSecret };
  }

  #stored(id: string): StoredProfile {
    const stored = this.store.get('profiles').find((profile) => profile.id === id);
    if (!stored) throw this.#notFound();
    return stored;
  }

  #notFound(): AppError {
    return new AppError({ kind: 'not-found', message: 'This profile no longer exists.' });
  }

  #newId(profiles: StoredProfile[]): string {
    let id = randomUUID();
    while (profiles.some((profile) => profile.id === id)) id = randomUUID();
    return id;
  }

  /** Encrypts the secret for the file when possible (returns the cipher); otherwise keeps it for this session. */
  #keepSecret(id: string, secret: string): string | undefined {
    if (this.secretBox.canEncrypt()) {
      this.#sessionSecrets.delete(id);
      return this.secretBox.encrypt(secret);
    }
    this.#sessionSecrets.set(id, secret);
    return undefined;
  }

  #secretState(stored: StoredProfile): SecretState {
    if (this.#sessionSecrets.has(stored.id)) return 'session';
    return stored.secretCipher === undefined ? 'missing' : 'stored';
  }

  #secret(stored: StoredProfile): string {
    const word = secretWords[stored.authMethod];
    const session = this.#sessionSecrets.get(stored.id);
    if (session !== undefined) return session;
    if (stored.secretCipher === undefined) {
      throw new AppError({
        kind: 'auth',
        message: `No ${word} is saved for “${stored.name}”. Enter it to connect.`,
      });
    }
    try {
      return this.secretBox.decrypt(stored.secretCipher);
    } catch (error) {
      throw new AppError(
        {
          kind: 'auth',
          message: `The saved ${word} for “${stored.name}” could not be unlocked on this computer (the system keyring may have changed). Enter it again.`,
        },
        { cause: error },
      );
    }
  }

  #toProfile(stored: StoredProfile): Profile {
    const profile: Profile & { secretCipher?: string } = {
      ...stored,
      secretState: this.#secretState(stored),
    };
    delete profile.secretCipher;
    return profile;
  }
}

function scoped(id?: string, name?: string, domainId?: string, domainName?: string): DomainScoped {
  const scope: DomainScoped = {};
  if (id) scope.id = id;
  if (name) scope.name = name;
  if (domainId) scope.domainId = domainId;
  if (domainName) scope.domainName = domainName;
  return scope;
}

function connectionConfig(fields: ProfileFields, secret: string): ConnectionConfig {
  const config: ConnectionConfig = {
    auth: authConfig(fields, secret),
    interface: fields.interface,
  };
  if (fields.authUrl) config.authUrl = fields.authUrl;
  if (fields.region) config.region = fields.region;
  if (fields.imageEndpoint) config.imageEndpoint = fields.imageEndpoint;
  if (fields.caFile) config.caFile = fields.caFile;
  if (fields.insecure) config.insecure = true;
  if (fields.proxy) config.proxy = fields.proxy;
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
