// Network and TLS failures, and cancelling, through the real transport to the real Glance.
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { ConnectionConfig } from '../../../common/connection';
import { GlanceClient } from '../../../main/openstack/glance';
import { failure } from '../../support/app-error';
import { startConnectProxy } from '../../support/connect-proxy';
import { issueToken } from '../../support/keystone-admin';
import { glanceFor, openSession, passwordConfig } from '../../support/sessions';
import {
  makeCertificates,
  startTlsProxy,
  type TestCertificates,
  type TlsProxy,
} from '../../support/tls-proxy';

const bed = inject('testbed');

/** A loopback port that nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

describe('an endpoint nobody listens on', () => {
  it('fails with kind network for Glance', async () => {
    const token = await issueToken(bed, bed.member);
    const session = openSession({
      interface: 'public',
      auth: { method: 'token', token },
      imageEndpoint: `http://127.0.0.1:${await deadPort()}`,
    });
    const err = await failure(new GlanceClient(session).listImages(), 'network', {
      reason: 'connection-refused',
    });
    expect(JSON.stringify(err.toJSON())).not.toContain(token);
  });

  it('fails with kind network for Keystone', async () => {
    const session = openSession(
      passwordConfig(bed, bed.member, { authUrl: `http://127.0.0.1:${await deadPort()}/v3` }),
    );
    await failure(session.token(), 'network', { reason: 'connection-refused' });
  });
});

describe('an HTTPS endpoint with a certificate from an unknown CA', () => {
  let certificates: TestCertificates;
  let proxy: TlsProxy;
  let token: string;

  beforeAll(async () => {
    certificates = await makeCertificates();
    proxy = await startTlsProxy(bed.glanceUrl, certificates);
    token = await issueToken(bed, bed.admin);
  });

  afterAll(async () => {
    await proxy.close();
    await certificates.remove();
  });

  const config = (extra: Partial<ConnectionConfig>): ConnectionConfig => ({
    interface: 'public',
    auth: { method: 'token', token },
    imageEndpoint: proxy.url,
    ...extra,
  });

  it('is not trusted, and the error says what to do', async () => {
    const session = openSession(config({}));
    const err = await failure(new GlanceClient(session).listImages(), 'tls');
    expect(err.details).toEqual({ reason: 'untrusted-certificate' });
  });

  it('is trusted once the CA file is in the profile, for listing and for data', async () => {
    const glance = new GlanceClient(openSession(config({ caFile: certificates.caFile })));
    const image = await glance.createImage({
      name: 'tls',
      disk_format: 'raw',
      container_format: 'bare',
    });
    try {
      const data = Buffer.alloc(300_000, 7);
      await glance.uploadData(image.id, Readable.from([data]), { size: data.length });
      const download = await glance.openDownload(image.id, { offset: 1000 });
      let received = 0;
      for await (const chunk of download.body) received += (chunk as Buffer).length;
      expect(received).toBe(data.length - 1000);
      expect((await glance.listImages({ id: [image.id] })).images).toHaveLength(1);
    } finally {
      await glance.deleteImage(image.id);
    }
  });

  it('is trusted with the CA file through a proxy too', async () => {
    const connectProxy = await startConnectProxy();
    try {
      const session = openSession(config({ caFile: certificates.caFile, proxy: connectProxy.url }));
      await new GlanceClient(session).listImages({ limit: 1 });
      expect(connectProxy.tunnels).toEqual([new URL(proxy.url).host]);
      const untrusted = openSession(config({ proxy: connectProxy.url }));
      await failure(new GlanceClient(untrusted).listImages(), 'tls', {
        reason: 'untrusted-certificate',
      });
    } finally {
      await connectProxy.close();
    }
  });

  it('is accepted with verification switched off', async () => {
    const page = await new GlanceClient(openSession(config({ insecure: true }))).listImages({
      limit: 1,
    });
    expect(Array.isArray(page.images)).toBe(true);
  });

  it('says so when the CA file cannot be read or is not a certificate', () => {
    expect(() => openSession(config({ caFile: '/nonexistent/ca.pem' }))).toThrow(
      /CA file \/nonexistent\/ca.pem could not be read/,
    );
    expect(() => openSession(config({ caFile: certificates.keyFile }))).toThrow(
      /does not contain a PEM certificate/,
    );
  });
});

describe('proxies', () => {
  const glanceHost = new URL(bed.glanceUrl).host;

  it('goes through the profile’s proxy, with its credentials', async () => {
    const credentials = { username: 'desk', password: `proxy-${Date.now()}` };
    const proxy = await startConnectProxy(credentials);
    try {
      const url = new URL(proxy.url);
      url.username = credentials.username;
      url.password = credentials.password;
      const glance = new GlanceClient(
        openSession(passwordConfig(bed, bed.member, { proxy: url.href })),
      );
      await glance.listImages({ limit: 1 });
      expect(proxy.tunnels).toContain(glanceHost);
      expect(proxy.tunnels).toContain(new URL(bed.authUrl).host);
    } finally {
      await proxy.close();
    }
  });

  it('fails with kind network when the proxy is down, without showing its password', async () => {
    const proxy = `http://desk:proxy-secret-1@127.0.0.1:${await deadPort()}`;
    const session = openSession(passwordConfig(bed, bed.member, { proxy }));
    const err = await failure(session.token(), 'network');
    expect(JSON.stringify(err.toJSON())).not.toContain('proxy-secret-1');
  });

  it('takes the proxy from the environment when the profile has none', async () => {
    const proxy = await startConnectProxy();
    vi.stubEnv('HTTP_PROXY', proxy.url);
    // Keystone is exempt here, Glance is not: both halves of the environment rules at work.
    vi.stubEnv('NO_PROXY', new URL(bed.authUrl).host);
    try {
      const glance = new GlanceClient(openSession(passwordConfig(bed, bed.member)));
      await glance.listImages({ limit: 1 });
      expect(proxy.tunnels).toEqual([glanceHost]);
    } finally {
      vi.unstubAllEnvs();
      await proxy.close();
    }
  });
});

describe('cancelling', () => {
  const { glance } = glanceFor(bed, bed.member);

  it('fails with kind cancelled when the signal is aborted, before or during a download', async () => {
    const image = await glance.createImage({
      name: 'cancel',
      disk_format: 'raw',
      container_format: 'bare',
    });
    try {
      const data = Buffer.alloc(4 << 20, 1);
      await glance.uploadData(image.id, Readable.from([data]), { size: data.length });
      await failure(glance.openDownload(image.id, { signal: AbortSignal.abort() }), 'cancelled');

      const controller = new AbortController();
      const download = await glance.openDownload(image.id, { signal: controller.signal });
      const reading = (async () => {
        for await (const chunk of download.body) {
          void chunk;
          controller.abort();
        }
      })();
      await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await glance.deleteImage(image.id);
    }
  });

  it('passes the caller’s own abort reason through when it is an AppError', async () => {
    const { AppError } = await import('../../../common/errors');
    const reason = new AppError({ kind: 'cancelled', message: 'Paused.' });
    const err = await failure(
      glance.listImages({}, AbortSignal.abort(reason)),
      'cancelled',
      /^Paused\.$/,
    );
    expect(err).toBe(reason);
  });
});
