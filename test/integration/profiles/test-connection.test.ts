import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConnectionConfig } from '../../../common/connection';
import type { TestConnectionResult } from '../../../common/profile';
import { ProfileStore } from '../../../main/profiles/store';
import { testConnection } from '../../../main/profiles/test-connection';
import { glanceFor, openSession, passwordConfig } from '../../support/sessions';
import {
  makeCertificates,
  startTlsProxy,
  type TestCertificates,
  type TlsProxy,
} from '../../support/tls-proxy';
import { aesSecretBox, openConf, tempSettingsFolder } from '../../unit/profiles/helpers';

const bed = inject('testbed');
const glanceUrl = bed.glanceUrl.replace(/\/+$/, '');

function failure(result: TestConnectionResult) {
  if (result.ok) throw new Error(`expected the test to fail, it passed: ${JSON.stringify(result)}`);
  return result;
}

/** A 127.0.0.1 port that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

describe('testConnection against the real Keystone + Glance', () => {
  it('signs in, finds the image endpoint and lists one image', async () => {
    // The member's project gets one image of its own, so the one-image list has something to find.
    const { glance } = glanceFor(bed, bed.member);
    const image = await glance.createImage({
      name: 'test-connection sample',
      disk_format: 'raw',
      container_format: 'bare',
    });
    try {
      const result = await testConnection(passwordConfig(bed, bed.member));
      expect(result).toEqual({
        ok: true,
        imageEndpoint: glanceUrl,
        projectId: bed.member.projectId,
        tookMs: expect.any(Number),
        sampleCount: 1,
        // The test bed's catalog names a plain-http Glance, on the auth URL's host.
        warnings: [{ code: 'plain-http', service: 'image', url: glanceUrl }],
      });
    } finally {
      await glance.deleteImage(image.id);
    }
  });

  it('tests a profile saved in the store, as the app does', async () => {
    const store = new ProfileStore(openConf(tempSettingsFolder()).store, aesSecretBox());
    const { id } = store.save({
      name: 'test bed (admin)',
      authUrl: bed.authUrl,
      authMethod: 'password',
      userName: bed.admin.username,
      userDomainId: bed.admin.domainId,
      projectName: bed.admin.projectName,
      projectDomainId: bed.admin.domainId,
      region: bed.region,
      interface: 'internal',
      secret: bed.admin.password,
    });
    const result = await testConnection(store.resolveConnection(id));
    expect(result).toMatchObject({
      ok: true,
      imageEndpoint: glanceUrl,
      projectId: bed.admin.projectId,
    });
  });

  it('signs in with an application credential', async () => {
    const session = openSession(passwordConfig(bed, bed.member));
    const response = await fetch(
      `${bed.authUrl}/users/${bed.member.userId}/application_credentials`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': await session.token() },
        body: JSON.stringify({ application_credential: { name: `test-connection-${Date.now()}` } }),
      },
    );
    expect(response.status).toBe(201);
    const { application_credential: credential } = (await response.json()) as {
      application_credential: { id: string; secret: string };
    };
    const config: ConnectionConfig = {
      authUrl: bed.authUrl,
      interface: 'public',
      auth: { method: 'application-credential', id: credential.id, secret: credential.secret },
    };
    expect(await testConnection(config)).toMatchObject({
      ok: true,
      projectId: bed.member.projectId,
    });

    const wrong = failure(
      await testConnection({
        ...config,
        auth: { ...config.auth, secret: 'not-the-secret' } as ConnectionConfig['auth'],
      }),
    );
    expect(wrong.step).toBe('auth');
    expect(wrong.error.kind).toBe('auth');
    expect(wrong.error.details).toEqual({
      reason: 'credentials-rejected',
      method: 'application-credential',
    });
  });

  it('says the password is wrong, without repeating it', async () => {
    const wrongPassword = 'Wr0ng-Passw0rd-for-test';
    const config = passwordConfig(bed, bed.member);
    const result = failure(
      await testConnection({
        ...config,
        auth: { ...config.auth, password: wrongPassword } as ConnectionConfig['auth'],
      }),
    );
    expect(result.step).toBe('auth');
    expect(result.error.kind).toBe('auth');
    expect(result.error.status).toBe(401);
    expect(result.error.details).toEqual({ reason: 'credentials-rejected', method: 'password' });
    expect(JSON.stringify(result)).not.toContain(wrongPassword);
  });

  it('says when nothing answers at the auth URL, naming it', async () => {
    const authUrl = `http://127.0.0.1:${await closedPort()}/v3`;
    const result = failure(await testConnection(passwordConfig(bed, bed.member, { authUrl })));
    expect(result).toMatchObject({
      step: 'auth',
      address: authUrl,
      error: { kind: 'network', details: { reason: 'connection-refused' } },
    });
    // Without /v3, finding Keystone's API is the step that fails.
    const root = authUrl.replace(/\/v3$/, '');
    expect(
      failure(await testConnection(passwordConfig(bed, bed.member, { authUrl: root }))),
    ).toMatchObject({
      step: 'discovery',
      address: root,
      error: { kind: 'network', details: { reason: 'connection-refused' } },
    });
  });

  it('says when the auth URL is not Keystone', async () => {
    const result = failure(
      await testConnection(passwordConfig(bed, bed.member, { authUrl: glanceUrl })),
    );
    expect(result).toMatchObject({
      step: 'discovery',
      error: { kind: 'unsupported', details: { reason: 'no-keystone', url: glanceUrl } },
    });
    expect(result.address).toBeUndefined();
  });

  it('finds Keystone from an auth URL without /v3', async () => {
    const root = bed.authUrl.replace(/\/v3\/?$/, '');
    expect(await testConnection(passwordConfig(bed, bed.member, { authUrl: root }))).toMatchObject({
      ok: true,
      imageEndpoint: glanceUrl,
    });
  });

  it('says when the catalog has no image service for the interface and region', async () => {
    const result = failure(
      await testConnection(
        passwordConfig(bed, bed.member, { interface: 'admin', region: 'Nowhere' }),
      ),
    );
    expect(result.step).toBe('catalog');
    expect(result.error.kind).toBe('not-found');
    expect(result.error.details).toMatchObject({
      reason: 'no-image-endpoint',
      interface: 'admin',
      region: 'Nowhere',
    });
  });

  it('says when the image endpoint is not an image service', async () => {
    // Keystone's own address given as the image endpoint: signing in works, the list cannot.
    const result = failure(
      await testConnection(
        passwordConfig(bed, bed.member, { imageEndpoint: new URL(bed.authUrl).origin }),
      ),
    );
    expect(result.step).toBe('list');
    expect(result.error.kind).toBe('not-found');
    expect(result.error.details).toEqual({
      reason: 'no-image-api',
      url: new URL(bed.authUrl).origin,
    });
  });

  it('works with an existing token and an image endpoint alone, and says when the token is bad', async () => {
    const token = await openSession(passwordConfig(bed, bed.member)).token();
    const config: ConnectionConfig = {
      interface: 'public',
      imageEndpoint: bed.glanceUrl,
      auth: { method: 'token', token },
    };
    // An endpoint the profile names is the user's choice: the profile view words its scheme.
    expect(await testConnection(config)).toMatchObject({
      ok: true,
      imageEndpoint: glanceUrl,
      warnings: [],
    });

    const bad = failure(
      await testConnection({ ...config, auth: { method: 'token', token: 'gAAAAAB-not-a-token' } }),
    );
    // Glance noticed, at the list, but it is the token that is wrong.
    expect(bad.step).toBe('auth');
    expect(bad.error.kind).toBe('auth');
    expect(JSON.stringify(bad)).not.toContain('gAAAAAB-not-a-token');
  });

  describe('behind TLS', () => {
    let certificates: TestCertificates;
    let proxy: TlsProxy;
    let authUrl: string;

    beforeAll(async () => {
      certificates = await makeCertificates();
      proxy = await startTlsProxy(new URL(bed.authUrl).origin, certificates);
      authUrl = `${proxy.url}/v3`;
    });
    afterAll(async () => {
      await proxy.close();
      await certificates.remove();
    });

    it('says the certificate is not trusted', async () => {
      const result = failure(await testConnection(passwordConfig(bed, bed.member, { authUrl })));
      expect(result).toMatchObject({
        step: 'auth',
        address: authUrl,
        error: { kind: 'tls', details: { reason: 'untrusted-certificate' } },
      });
    });

    it('connects once the CA file is given, or when verification is switched off', async () => {
      // The catalog's plain-http Glance is used only when the user enters it (next test).
      const trusted = await testConnection(
        passwordConfig(bed, bed.member, {
          authUrl,
          caFile: certificates.caFile,
          imageEndpoint: glanceUrl,
        }),
      );
      expect(trusted).toMatchObject({ ok: true, imageEndpoint: glanceUrl });
      const unverified = await testConnection(
        passwordConfig(bed, bed.member, { authUrl, insecure: true, imageEndpoint: glanceUrl }),
      );
      expect(unverified).toMatchObject({ ok: true });
    });

    it('refuses the plain-http image endpoint of the catalog of an https Keystone', async () => {
      const result = failure(
        await testConnection(
          passwordConfig(bed, bed.member, { authUrl, caFile: certificates.caFile }),
        ),
      );
      expect(result.step).toBe('catalog');
      expect(result.error.details).toMatchObject({
        reason: 'https-downgrade',
        service: 'keystone',
      });
    });

    it('says when the CA file cannot be read', async () => {
      const result = failure(
        await testConnection(
          passwordConfig(bed, bed.member, { authUrl, caFile: '/nonexistent/ca.pem' }),
        ),
      );
      expect(result.step).toBe('auth');
      expect(result.error.kind).toBe('tls');
      expect(result.error.details).toEqual({
        reason: 'ca-file-unreadable',
        path: '/nonexistent/ca.pem',
      });
    });
  });
});
