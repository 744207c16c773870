import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import type { ProfileInput } from '../../../common/profile';
import { ProfileStore } from '../../../main/profiles/store';
import {
  aesSecretBox,
  basicTextSecretBox,
  nth,
  openConf,
  readAllFiles,
  tempSettingsFolder,
} from './helpers';

const prodPassword = 'Pr0d-pässwörd "quoted" \\ 密码';
const appCredentialSecret = 'kLmR3x_9vQ-appcred-secret-Zt5wP0aF';
const token = 'gAAAAABmZ-fernet-token-abc123_def456-ghi789';

const prod: ProfileInput = {
  name: 'Production (Frankfurt)',
  label: 'prod',
  color: '#d32f2f',
  authUrl: 'https://keystone.fra.example.com:5000/v3',
  authMethod: 'password',
  userName: 'alice',
  userDomainName: 'Default',
  projectName: 'images',
  projectDomainId: 'default',
  region: 'RegionOne',
  interface: 'public',
  caFile: '/etc/ssl/certs/example-ca.pem',
  downloadFolder: '/home/alice/images',
  secret: prodPassword,
};

const staging: ProfileInput = {
  name: 'Staging',
  label: 'test',
  authUrl: 'https://keystone.staging.example.com/identity/v3',
  authMethod: 'application-credential',
  applicationCredentialId: '21dced0fd20347869b93710d2b98aae0',
  interface: 'internal',
  insecure: true,
  proxy: 'http://proxy.corp.example.com:3128',
  secret: appCredentialSecret,
};

const ims: ProfileInput = {
  name: 'Huawei IMS, token only',
  authMethod: 'token',
  imageEndpoint: 'https://ims.cn-north-4.myhuaweicloud.com',
  interface: 'public',
  secret: token,
};

function expectAppError(action: () => unknown, kind: string): AppError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe(kind);
    return error as AppError;
  }
  throw new Error(`expected an AppError of kind ${kind}`);
}

function assertNoSecretOnDisk(folder: string, secrets: string[]) {
  const files = readAllFiles(folder);
  expect(files.length).toBeGreaterThan(0);
  for (const { file, text } of files) {
    for (const secret of secrets) {
      // Also as it would look inside a JSON string (escaped quotes and backslashes).
      for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) {
        expect(text.includes(form), `${file} contains a secret`).toBe(false);
      }
    }
  }
}

describe('ProfileStore', () => {
  it('saves several profiles and reads them back after a restart', () => {
    const folder = tempSettingsFolder();
    const box = aesSecretBox();
    const first = new ProfileStore(openConf(folder).store, box);
    const saved = [prod, staging, ims].map((input) => first.save(input));

    expect(new Set(saved.map((profile) => profile.id)).size).toBe(3);
    for (const profile of saved) {
      expect(profile.secretState).toBe('stored');
      expect(profile).not.toHaveProperty('secret');
      expect(profile).not.toHaveProperty('secretCipher');
    }

    const reopened = new ProfileStore(openConf(folder).store, box);
    expect(reopened.list()).toEqual(saved);
    expect(reopened.get(nth(saved, 0).id)).toEqual({
      ...prod,
      secret: undefined,
      id: nth(saved, 0).id,
      secretState: 'stored',
    });

    expect(reopened.resolveConnection(nth(saved, 0).id)).toEqual({
      authUrl: prod.authUrl,
      auth: {
        method: 'password',
        user: { name: 'alice', domainName: 'Default' },
        password: prodPassword,
        project: { name: 'images', domainId: 'default' },
      },
      region: 'RegionOne',
      interface: 'public',
      caFile: prod.caFile,
    });
    expect(reopened.resolveConnection(nth(saved, 1).id)).toEqual({
      authUrl: staging.authUrl,
      auth: {
        method: 'application-credential',
        id: staging.applicationCredentialId,
        secret: appCredentialSecret,
      },
      interface: 'internal',
      insecure: true,
      proxy: staging.proxy,
    });
    expect(reopened.resolveConnection(nth(saved, 2).id)).toEqual({
      auth: { method: 'token', token },
      interface: 'public',
      imageEndpoint: ims.imageEndpoint,
    });
  });

  it('never writes a secret in plaintext under the settings folder', () => {
    const folder = tempSettingsFolder();
    const store = new ProfileStore(openConf(folder).store, aesSecretBox());
    const ids = [prod, staging, ims].map((input) => store.save(input).id);
    store.save({ ...prod, name: 'Production (edited)', secret: undefined }, ids[0]);
    store.setSecret(nth(ids, 2), `${token}-renewed`);
    store.delete(nth(ids, 1));
    assertNoSecretOnDisk(folder, [prodPassword, appCredentialSecret, token, `${token}-renewed`]);
  });

  it('keeps secrets for this session only where the system cannot encrypt them', () => {
    const folder = tempSettingsFolder();
    const store = new ProfileStore(openConf(folder).store, basicTextSecretBox());
    expect(store.secretStorageStatus()).toMatchObject({ backend: 'basic_text', persistent: false });
    expect(store.secretStorageStatus().message).toMatch(/keyring/);

    const profile = store.save(prod);
    expect(profile.secretState).toBe('session');
    expect(store.resolveConnection(profile.id).auth).toMatchObject({ password: prodPassword });
    assertNoSecretOnDisk(folder, [prodPassword]);

    // After a restart the profile is still there, its password is not.
    const restarted = new ProfileStore(openConf(folder).store, basicTextSecretBox());
    expect(restarted.get(profile.id).secretState).toBe('missing');
    const error = expectAppError(() => restarted.resolveConnection(profile.id), 'auth');
    expect(error.message).toBe(
      'No password is saved for “Production (Frankfurt)”. Enter it to connect.',
    );

    expect(restarted.setSecret(profile.id, prodPassword).secretState).toBe('session');
    expect(restarted.resolveConnection(profile.id).auth).toMatchObject({ password: prodPassword });
    assertNoSecretOnDisk(folder, [prodPassword]);
  });

  it('reports that secrets are encrypted where the system can', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    expect(store.secretStorageStatus()).toEqual({
      backend: 'test-aes-gcm',
      persistent: true,
      message: 'Passwords and tokens are saved encrypted by the system (test-aes-gcm).',
    });
  });

  it('keeps the saved secret when an edit leaves it out, and drops it when the auth method changes', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const { id } = store.save(prod);

    const edited = store.save({ ...prod, secret: '', region: 'RegionTwo' }, id);
    expect(edited).toMatchObject({ id, region: 'RegionTwo', secretState: 'stored' });
    expect(store.resolveConnection(id).auth).toMatchObject({ password: prodPassword });

    const switched = store.save(
      {
        ...prod,
        authMethod: 'application-credential',
        applicationCredentialId: 'ac-1',
        secret: undefined,
      },
      id,
    );
    expect(switched.secretState).toBe('missing');
    expect(expectAppError(() => store.resolveConnection(id), 'auth').message).toContain(
      'application credential secret',
    );
  });

  it('says plainly when a saved secret cannot be decrypted any more', () => {
    const folder = tempSettingsFolder();
    const { id } = new ProfileStore(openConf(folder).store, aesSecretBox()).save(prod);
    const otherKeyring = new ProfileStore(openConf(folder).store, aesSecretBox(randomBytes(32)));
    const error = expectAppError(() => otherKeyring.resolveConnection(id), 'auth');
    expect(error.message).toMatch(/could not be unlocked on this computer.*Enter it again/);
    expect(error.message).not.toContain(prodPassword);
  });

  it('rejects bad input with a validation error naming the fields', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const cases: [unknown, string[]][] = [
      [{ ...prod, name: '   ' }, ['name']],
      [{ ...prod, authUrl: 'keystone.example.com' }, ['authUrl']],
      [{ ...prod, authUrl: 'ftp://keystone.example.com' }, ['authUrl']],
      [{ ...prod, interface: 'publicURL' }, ['interface']],
      [{ ...prod, userName: undefined }, ['userName']],
      [{ ...prod, userDomainName: '' }, ['userDomainName']],
      [{ ...prod, projectName: undefined }, ['projectName']],
      [{ ...staging, applicationCredentialId: '' }, ['applicationCredentialId']],
      [{ ...ims, imageEndpoint: undefined }, ['authUrl']],
      [{ ...prod, color: 'red' }, ['color']],
      [{ ...prod, insecure: 'yes' }, ['insecure']],
      [{ ...prod, authMethod: 'v3oidcpassword' }, ['authMethod']],
      ['not a profile', ['value']],
    ];
    for (const [input, fields] of cases) {
      const error = expectAppError(() => store.save(input), 'validation');
      expect(Object.keys(error.details ?? {}), JSON.stringify(input)).toEqual(fields);
      expect(error.message).not.toContain(prodPassword);
    }
    expect(store.list()).toEqual([]);
  });

  it('trims form values and treats empty fields as absent', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const saved = store.save({ ...prod, name: '  Prod  ', label: '', region: ' RegionOne ' });
    expect(saved.name).toBe('Prod');
    expect(saved.region).toBe('RegionOne');
    expect(saved).not.toHaveProperty('label');
    // The secret is taken as typed: spaces can be part of a password.
    const { id } = store.save({ ...prod, secret: ' spaced ' });
    expect(store.resolveConnection(id).auth).toMatchObject({ password: ' spaced ' });
  });

  it('answers not-found for an id that does not exist', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    expectAppError(() => store.get('nope'), 'not-found');
    expectAppError(() => store.save(prod, 'nope'), 'not-found');
    expectAppError(() => store.delete('nope'), 'not-found');
    expectAppError(() => store.setSecret('nope', 'x'), 'not-found');
    expectAppError(() => store.resolveConnection('nope'), 'not-found');
  });

  it('forgets a deleted profile and its session secret', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, basicTextSecretBox());
    const a = store.save(prod);
    const b = store.save(staging);
    store.delete(a.id);
    expect(store.list().map((profile) => profile.id)).toEqual([b.id]);
    expect(store.resolveConnection(b.id).auth).toMatchObject({ secret: appCredentialSecret });
  });

  it('resolves an unsaved form for a connection test, borrowing the saved secret only for the same auth method', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const { id } = store.save(prod);

    expect(store.resolveInput({ ...prod, secret: 'typed-in' }).auth).toMatchObject({
      password: 'typed-in',
    });
    expect(store.resolveInput({ ...prod, region: 'RegionTwo', secret: '' }, id)).toMatchObject({
      region: 'RegionTwo',
      auth: { password: prodPassword },
    });
    expect(
      expectAppError(() => store.resolveInput({ ...prod, secret: undefined }), 'auth').message,
    ).toBe('Enter the password to test the connection.');
    expect(
      expectAppError(() => store.resolveInput({ ...staging, secret: undefined }, id), 'auth')
        .message,
    ).toBe('Enter the application credential secret to test the connection.');
    expectAppError(() => store.resolveInput({ ...prod, authUrl: 'nope' }, id), 'validation');
    expectAppError(() => store.resolveInput({ ...prod, secret: undefined }, 'gone'), 'not-found');
    // Nothing was saved by resolving.
    expect(store.list()).toHaveLength(1);
  });
});
