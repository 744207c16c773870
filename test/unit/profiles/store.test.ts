import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError, type InvalidValue } from '../../../common/errors';
import type { ProfileInput } from '../../../common/profile';
import type { BoundSetting } from '../../../common/secret-binding';
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

const proxyUser = 'corp-ops';
const proxyPassword = 'Pr0xy p@ss:wörd';
const proxyWithout = 'http://proxy.corp.example.com:3128';
const proxyWith = `http://${proxyUser}:${encodeURIComponent(proxyPassword)}@proxy.corp.example.com:3128`;

const proxied: ProfileInput = { ...prod, name: 'Behind a proxy', proxy: proxyWith };

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
    // Huawei IMS (its address says so) gets the header that selects its Queens behaviour.
    expect(reopened.resolveConnection(nth(saved, 2).id)).toEqual({
      auth: { method: 'token', token },
      interface: 'public',
      imageEndpoint: ims.imageEndpoint,
      imageHeaders: { 'x-api-version': 'Q' },
    });
  });

  it('never writes a secret in plaintext under the settings folder', () => {
    const folder = tempSettingsFolder();
    const store = new ProfileStore(openConf(folder).store, aesSecretBox());
    const ids = [prod, staging, ims, proxied].map((input) => store.save(input).id);
    store.save({ ...prod, name: 'Production (edited)', secret: undefined }, ids[0]);
    store.setSecret(nth(ids, 2), `${token}-renewed`);
    store.delete(nth(ids, 1));
    store.save({ ...proxied, name: 'Proxied (edited)', proxy: proxyWithout }, ids[3]);
    assertNoSecretOnDisk(folder, [
      prodPassword,
      appCredentialSecret,
      token,
      `${token}-renewed`,
      proxyPassword,
      encodeURIComponent(proxyPassword),
      proxyUser,
    ]);
  });

  it('keeps secrets for this session only where the system cannot encrypt them', () => {
    const folder = tempSettingsFolder();
    const store = new ProfileStore(openConf(folder).store, basicTextSecretBox());
    expect(store.secretStorageStatus()).toEqual({ backend: 'basic_text', persistent: false });

    const profile = store.save(prod);
    expect(profile.secretState).toBe('session');
    expect(store.resolveConnection(profile.id).auth).toMatchObject({ password: prodPassword });
    assertNoSecretOnDisk(folder, [prodPassword]);

    // After a restart the profile is still there, its password is not.
    const restarted = new ProfileStore(openConf(folder).store, basicTextSecretBox());
    expect(restarted.get(profile.id).secretState).toBe('missing');
    const error = expectAppError(() => restarted.resolveConnection(profile.id), 'auth');
    expect(error.details).toEqual({
      reason: 'secret-missing',
      secret: 'password',
      profile: 'Production (Frankfurt)',
    });

    expect(restarted.setSecret(profile.id, prodPassword).secretState).toBe('session');
    expect(restarted.resolveConnection(profile.id).auth).toMatchObject({ password: prodPassword });
    assertNoSecretOnDisk(folder, [prodPassword]);
  });

  it('reports that secrets are encrypted where the system can', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    expect(store.secretStorageStatus()).toEqual({ backend: 'test-aes-gcm', persistent: true });
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
    expect(expectAppError(() => store.resolveConnection(id), 'auth').details).toMatchObject({
      reason: 'secret-missing',
      secret: 'application-credential',
    });
  });

  it('says plainly when a saved secret cannot be decrypted any more', () => {
    const folder = tempSettingsFolder();
    const { id } = new ProfileStore(openConf(folder).store, aesSecretBox()).save(prod);
    const otherKeyring = new ProfileStore(openConf(folder).store, aesSecretBox(randomBytes(32)));
    const error = expectAppError(() => otherKeyring.resolveConnection(id), 'auth');
    expect(error.details).toEqual({
      reason: 'secret-locked',
      secret: 'password',
      profile: 'Production (Frankfurt)',
    });
    expect(error.message).not.toContain(prodPassword);
  });

  it('rejects bad input with a validation error naming the fields, and which are missing', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const invalid = (field: string) => ({ field, missing: false });
    const missing = (field: string) => ({ field, missing: true });
    const cases: [unknown, InvalidValue[]][] = [
      [{ ...prod, name: '   ' }, [invalid('name')]],
      [{ ...prod, authUrl: 'keystone.example.com' }, [invalid('authUrl')]],
      [{ ...prod, authUrl: 'ftp://keystone.example.com' }, [invalid('authUrl')]],
      [{ ...prod, interface: 'publicURL' }, [invalid('interface')]],
      [{ ...prod, userName: undefined }, [missing('userName')]],
      [{ ...prod, userDomainName: '' }, [missing('userDomainName')]],
      [{ ...prod, projectName: undefined }, [missing('projectName')]],
      [{ ...staging, applicationCredentialId: '' }, [missing('applicationCredentialId')]],
      [{ ...ims, imageEndpoint: undefined }, [missing('authUrl')]],
      [{ ...prod, color: 'red' }, [invalid('color')]],
      [{ ...prod, insecure: 'yes' }, [invalid('insecure')]],
      [{ ...prod, authMethod: 'v3oidcpassword' }, [invalid('authMethod')]],
      ['not a profile', [invalid('value')]],
    ];
    for (const [input, values] of cases) {
      const error = expectAppError(() => store.save(input), 'validation');
      expect(error.details, JSON.stringify(input)).toEqual({ reason: 'invalid-values', values });
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
      expectAppError(() => store.resolveInput({ ...prod, secret: undefined }), 'auth').details,
    ).toEqual({ reason: 'secret-missing', secret: 'password' });
    expect(
      expectAppError(() => store.resolveInput({ ...staging, secret: undefined }, id), 'auth')
        .details,
    ).toEqual({ reason: 'secret-missing', secret: 'application-credential' });
    expectAppError(() => store.resolveInput({ ...prod, authUrl: 'nope' }, id), 'validation');
    expectAppError(() => store.resolveInput({ ...prod, secret: undefined }, 'gone'), 'not-found');
    // Nothing was saved by resolving.
    expect(store.list()).toHaveLength(1);
  });
});

/** The secret-needed details of the 'validation' error `action` throws. */
function secretNeeded(action: () => unknown) {
  const error = expectAppError(action, 'validation');
  expect(error.message).not.toContain(prodPassword);
  return error.details?.reason === 'secret-needed' ? error.details : undefined;
}

describe('ProfileStore: a saved secret goes only where it was entered for', () => {
  // A saved profile as the form sends it back: no secret.
  const edited = (changes: Partial<ProfileInput>): ProfileInput => ({
    ...prod,
    secret: undefined,
    ...changes,
  });

  it('asks for the secret again when a setting it is bound to changes, on save and on test', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const { id } = store.save(prod);
    const before = store.get(id);
    const changes: [Partial<ProfileInput>, BoundSetting][] = [
      [{ authUrl: 'https://keystone.evil.example/v3' }, 'authUrl'],
      [{ authUrl: 'http://keystone.fra.example.com:5000/v3' }, 'authUrl'],
      [{ authUrl: 'https://keystone.fra.example.com:5001/v3' }, 'authUrl'],
      [{ imageEndpoint: 'https://glance.evil.example' }, 'imageEndpoint'],
      [{ proxy: 'http://proxy.evil.example:3128' }, 'proxy'],
      [{ insecure: true }, 'insecure'],
      [{ caFile: '/tmp/evil-ca.pem' }, 'caFile'],
      [{ caFile: undefined }, 'caFile'],
    ];
    for (const [change, changed] of changes) {
      const expected = { reason: 'secret-needed', secret: 'password', changed };
      expect(
        secretNeeded(() => store.save(edited(change), id)),
        changed,
      ).toEqual(expected);
      expect(
        secretNeeded(() => store.resolveInput(edited(change), id)),
        changed,
      ).toEqual(expected);
    }
    // Nothing was changed by the refusals.
    expect(store.get(id)).toEqual(before);
    expect(store.resolveConnection(id).authUrl).toBe(prod.authUrl);

    // The same origin (scheme, host, port) under another path keeps it.
    const samehost = edited({ authUrl: 'https://KEYSTONE.fra.example.com:5000/identity/v3' });
    expect(store.resolveInput(samehost, id).auth).toMatchObject({ password: prodPassword });
    expect(store.save(samehost, id).secretState).toBe('stored');

    // Typed again, the secret is bound to the new settings, and the old ones need it again.
    const moved = edited({ authUrl: 'https://keystone.new.example.com/v3', secret: 'new-pass' });
    expect(store.resolveInput(moved, id).auth).toMatchObject({ password: 'new-pass' });
    store.save(moved, id);
    expect(store.resolveConnection(id)).toMatchObject({
      authUrl: 'https://keystone.new.example.com/v3',
      auth: { password: 'new-pass' },
    });
    expect(secretNeeded(() => store.save(edited({}), id))).toMatchObject({ changed: 'authUrl' });
  });

  it('binds the secret of every auth method, and of a secret kept for the session only', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, basicTextSecretBox());
    const tokenProfile = store.save(ims);
    expect(tokenProfile.secretState).toBe('session');
    expect(
      secretNeeded(() =>
        store.save(
          { ...ims, secret: undefined, imageEndpoint: 'https://ims.evil.example' },
          tokenProfile.id,
        ),
      ),
    ).toEqual({ reason: 'secret-needed', secret: 'token', changed: 'imageEndpoint' });
    const credential = store.save(staging);
    expect(
      secretNeeded(() =>
        store.resolveInput({ ...staging, secret: undefined, insecure: false }, credential.id),
      ),
    ).toEqual({ reason: 'secret-needed', secret: 'application-credential', changed: 'insecure' });
    expect(store.resolveConnection(tokenProfile.id).auth).toMatchObject({ token });
  });

  it('uses no saved secret that has no binding (a hand-edited settings file)', () => {
    const folder = tempSettingsFolder();
    const box = aesSecretBox();
    const { id } = new ProfileStore(openConf(folder).store, box).save(prod);
    const { store } = openConf(folder);
    store.set(
      'profiles',
      store.get('profiles').map(({ secretBinding: _binding, ...profile }) => profile),
    );
    const reopened = new ProfileStore(store, box);
    expect(reopened.get(id).secretState).toBe('missing');
    expectAppError(() => reopened.resolveConnection(id), 'auth');
    // Saving it unchanged does not bring the unbound secret back.
    expect(reopened.save(edited({}), id).secretState).toBe('missing');
    // Nor does a file whose settings were edited under a bound secret send it there.
    const rebound = new ProfileStore(openConf(folder).store, box);
    rebound.setSecret(id, prodPassword);
    store.set(
      'profiles',
      store.get('profiles').map((profile) => ({ ...profile, authUrl: 'https://evil.example/v3' })),
    );
    expect(secretNeeded(() => rebound.resolveConnection(id))).toMatchObject({ changed: 'authUrl' });
  });

  it('binds an imported secret to the profile it was found for', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const found: ProfileInput = { ...prod, secret: undefined };
    const reference = store.stashSecret('password', prodPassword, found);
    const imported = { ...found, importedSecret: reference };

    expect(
      secretNeeded(() => store.save({ ...imported, authUrl: 'https://evil.example/v3' })),
    ).toEqual({ reason: 'secret-needed', secret: 'password', changed: 'authUrl' });
    expect(
      secretNeeded(() => store.resolveInput({ ...imported, proxy: 'http://evil.example:1' })),
    ).toEqual({ reason: 'secret-needed', secret: 'password', changed: 'proxy' });
    // Of another kind, it is not there: a proxy password never becomes a token.
    const proxyReference = store.stashSecret('proxy-credentials', 'u:p', found);
    expect(secretNeeded(() => store.save({ ...found, importedSecret: proxyReference }))).toEqual({
      reason: 'secret-needed',
      secret: 'password',
    });
    expect(store.list()).toEqual([]);

    // As found, it is saved (and good for that one save).
    const saved = store.save(imported);
    expect(store.resolveConnection(saved.id).auth).toMatchObject({ password: prodPassword });
    expect(secretNeeded(() => store.save(imported))).toEqual({
      reason: 'secret-needed',
      secret: 'password',
    });
  });
});

describe('ProfileStore: proxy credentials are a secret', () => {
  it('keeps them encrypted apart from the proxy, and hands them back to main only', () => {
    const folder = tempSettingsFolder();
    const box = aesSecretBox();
    const store = new ProfileStore(openConf(folder).store, box);
    const saved = store.save(proxied);
    expect(saved).toMatchObject({ proxy: proxyWithout, proxyCredentials: 'stored' });
    expect(JSON.stringify(store.list())).not.toContain(proxyUser);

    const reopened = new ProfileStore(openConf(folder).store, box);
    expect(reopened.get(saved.id)).toEqual(saved);
    expect(reopened.resolveConnection(saved.id).proxy).toBe(`${proxyWith}/`);
    assertNoSecretOnDisk(folder, [proxyUser, proxyPassword, encodeURIComponent(proxyPassword)]);
  });

  it('keeps them when the proxy stays, replaces or removes them on request, refuses them to another proxy', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const { id } = store.save(proxied);
    const form = { ...proxied, secret: undefined, proxy: proxyWithout };

    expect(store.save({ ...form, region: 'RegionTwo' }, id).proxyCredentials).toBe('stored');
    expect(store.resolveInput(form, id).proxy).toBe(`${proxyWith}/`);

    // Another proxy: the profile's password first, then the proxy's credentials.
    const elsewhere = { ...form, proxy: 'http://proxy.other.example:3128' };
    expect(secretNeeded(() => store.save(elsewhere, id))).toMatchObject({
      secret: 'password',
      changed: 'proxy',
    });
    expect(secretNeeded(() => store.save({ ...elsewhere, secret: prodPassword }, id))).toEqual({
      reason: 'secret-needed',
      secret: 'proxy-credentials',
      changed: 'proxy',
    });
    expect(
      secretNeeded(() => store.resolveInput({ ...elsewhere, secret: prodPassword }, id)),
    ).toMatchObject({ secret: 'proxy-credentials' });
    expect(store.resolveConnection(id).proxy).toBe(`${proxyWith}/`);

    // New credentials in the proxy address replace the saved ones.
    store.save(
      { ...elsewhere, secret: prodPassword, proxy: 'http://bob:s3cret@proxy.other.example:3128' },
      id,
    );
    expect(store.get(id)).toMatchObject({
      proxy: 'http://proxy.other.example:3128',
      proxyCredentials: 'stored',
    });
    expect(store.resolveConnection(id).proxy).toBe('http://bob:s3cret@proxy.other.example:3128/');

    // Removed on request; the proxy stays.
    const removed = store.save(
      { ...elsewhere, proxy: 'http://proxy.other.example:3128', removeProxyCredentials: true },
      id,
    );
    expect(removed).toMatchObject({ proxy: 'http://proxy.other.example:3128' });
    expect(removed).not.toHaveProperty('proxyCredentials');
    expect(store.resolveConnection(id).proxy).toBe('http://proxy.other.example:3128');
  });

  it('drops them with the proxy', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const { id } = store.save(proxied);
    const direct = store.save({ ...proxied, proxy: undefined, secret: prodPassword }, id);
    expect(direct).not.toHaveProperty('proxyCredentials');
    const back = store.save({ ...proxied, proxy: proxyWithout, secret: prodPassword }, id);
    expect(back).not.toHaveProperty('proxyCredentials');
  });

  it('holds them for the session only where the system cannot encrypt', () => {
    const folder = tempSettingsFolder();
    const store = new ProfileStore(openConf(folder).store, basicTextSecretBox());
    const saved = store.save(proxied);
    expect(saved).toMatchObject({ proxy: proxyWithout, proxyCredentials: 'session' });
    expect(store.resolveConnection(saved.id).proxy).toBe(`${proxyWith}/`);
    assertNoSecretOnDisk(folder, [proxyUser, proxyPassword, encodeURIComponent(proxyPassword)]);
    const restarted = new ProfileStore(openConf(folder).store, basicTextSecretBox());
    expect(restarted.get(saved.id)).not.toHaveProperty('proxyCredentials');
  });

  it('binds imported proxy credentials to their proxy', () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const found: ProfileInput = { ...prod, proxy: proxyWithout };
    const reference = store.stashSecret('proxy-credentials', 'alice:pw', found);
    const imported = { ...found, importedProxyCredentials: reference };
    expect(
      secretNeeded(() => store.save({ ...imported, proxy: 'http://proxy.evil.example:3128' })),
    ).toEqual({ reason: 'secret-needed', secret: 'proxy-credentials', changed: 'proxy' });
    const saved = store.save(imported);
    expect(saved.proxyCredentials).toBe('stored');
    expect(store.resolveConnection(saved.id).proxy).toBe(
      'http://alice:pw@proxy.corp.example.com:3128/',
    );
  });
});
