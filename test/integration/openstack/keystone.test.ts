// OpenStackSession against the real Keystone (and Glance behind it).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConnectionConfig } from '../../../common/connection';
import { GlanceClient } from '../../../main/openstack/glance';
import { failure } from '../../support/app-error';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { issueToken, keystone, revokeToken } from '../../support/keystone-admin';
import { openSession, passwordConfig } from '../../support/sessions';

const bed = inject('testbed');
const keystoneRoot = bed.authUrl.replace(/\/v3$/, '');

function tokenConfig(token: string, overrides: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return {
    authUrl: bed.authUrl,
    region: bed.region,
    interface: 'public',
    auth: { method: 'token', token },
    ...overrides,
  };
}

/** Signs in, lists one page of images, and returns what the session saw. */
async function works(config: ConnectionConfig) {
  const session = openSession(config);
  const page = await new GlanceClient(session).listImages({ limit: 1 });
  expect(Array.isArray(page.images)).toBe(true);
  return { session, projectId: await session.projectId(), endpoint: await session.imageEndpoint() };
}

describe('password sign-in', () => {
  it.each([
    ['admin', bed.admin],
    ['member', bed.member],
  ])('signs the %s in by name and domain, scoped to their project', async (_who, user) => {
    const seen = await works(passwordConfig(bed, user));
    expect(seen.projectId).toBe(user.projectId);
    expect(seen.endpoint).toBe(bed.glanceUrl);
  });

  it('signs in by user id and project id', async () => {
    const seen = await works(
      passwordConfig(bed, bed.member, {
        auth: {
          method: 'password',
          user: { id: bed.member.userId },
          password: bed.member.password,
          project: { id: bed.member.projectId },
        },
      }),
    );
    expect(seen.projectId).toBe(bed.member.projectId);
  });

  it.each([
    ['without /v3', keystoneRoot],
    ['without /v3, with a trailing slash', `${keystoneRoot}/`],
    ['with /v3/', `${bed.authUrl}/`],
  ])('takes the auth URL %s', async (_how, authUrl) => {
    const seen = await works(passwordConfig(bed, bed.member, { authUrl }));
    expect(seen.projectId).toBe(bed.member.projectId);
  });

  it('says so when the auth URL is not Keystone v3', async () => {
    const session = openSession(passwordConfig(bed, bed.member, { authUrl: bed.glanceUrl }));
    await failure(session.token(), 'unsupported', { reason: 'no-keystone', url: bed.glanceUrl });
  });

  it('refuses a wrong password in plain words, and never repeats it', async () => {
    const password = `wrong-${randomUUID()}`;
    const session = openSession(
      passwordConfig(bed, bed.member, {
        auth: {
          method: 'password',
          user: { name: bed.member.username, domainId: bed.member.domainId },
          password,
          project: { name: bed.member.projectName, domainId: bed.member.domainId },
        },
      }),
    );
    const err = await failure(session.token(), 'auth', {
      reason: 'credentials-rejected',
      method: 'password',
    });
    expect(err.status).toBe(401);
    expect(err.serverMessage).toBe('The request you have made requires authentication.');
    expect(err.requestId).toMatch(/^req-/);
    expect(JSON.stringify(err.toJSON())).not.toContain(password);
    // A failed sign-in is not remembered: the next call asks Keystone again.
    await failure(new GlanceClient(session).listImages(), 'auth');
  });

  it('asks for a project when the profile names none', async () => {
    const session = openSession(
      passwordConfig(bed, bed.member, {
        auth: {
          method: 'password',
          user: { id: bed.member.userId },
          password: bed.member.password,
          project: {},
        },
      }),
    );
    await failure(session.token(), 'validation', { reason: 'scope-missing', what: 'project' });
  });
});

describe('application credential', () => {
  let credential: { id: string; secret: string };
  let memberToken: string;

  beforeAll(async () => {
    memberToken = await issueToken(bed, bed.member);
    const created = (await keystone(
      bed,
      memberToken,
      'POST',
      `/users/${bed.member.userId}/application_credentials`,
      { application_credential: { name: `glance-desk-${randomUUID()}` } },
    )) as { application_credential: { id: string; secret: string } };
    credential = created.application_credential;
  });

  afterAll(async () => {
    await keystone(
      bed,
      memberToken,
      'DELETE',
      `/users/${bed.member.userId}/application_credentials/${credential.id}`,
    );
  });

  it('signs in with id and secret, scoped to the project it was made in', async () => {
    const seen = await works({
      authUrl: bed.authUrl,
      interface: 'public',
      auth: { method: 'application-credential', ...credential },
    });
    expect(seen.projectId).toBe(bed.member.projectId);
  });

  it('refuses a wrong secret, and never repeats it', async () => {
    const secret = `not-${credential.secret}`;
    const session = openSession({
      authUrl: bed.authUrl,
      interface: 'public',
      auth: { method: 'application-credential', id: credential.id, secret },
    });
    const err = await failure(session.token(), 'auth', {
      reason: 'credentials-rejected',
      method: 'application-credential',
    });
    expect(JSON.stringify(err.toJSON())).not.toContain(secret);
  });
});

describe('existing token', () => {
  it('validates it with Keystone and reads its catalog', async () => {
    const token = await issueToken(bed, bed.member);
    const seen = await works(tokenConfig(token));
    expect(seen.projectId).toBe(bed.member.projectId);
    expect(seen.endpoint).toBe(bed.glanceUrl);
    expect(await seen.session.token()).toBe(token);
  });

  it('rescopes it to the profile’s project', async () => {
    const token = await issueToken(bed, bed.member);
    const seen = await works(
      tokenConfig(token, {
        auth: { method: 'token', token, project: { id: bed.member.projectId } },
      }),
    );
    expect(await seen.session.token()).not.toBe(token);
    expect(seen.projectId).toBe(bed.member.projectId);
  });

  it('uses the token and an explicit image endpoint without Keystone', async () => {
    const token = await issueToken(bed, bed.admin);
    for (const imageEndpoint of [bed.glanceUrl, `${bed.glanceUrl}/v2/`]) {
      const seen = await works({
        interface: 'public',
        auth: { method: 'token', token },
        imageEndpoint,
      });
      expect(seen.endpoint).toBe(bed.glanceUrl);
      expect(seen.projectId).toBeNull();
    }
  });

  it('refuses an invalid token, with or without Keystone, and never repeats it', async () => {
    const token = `gAAAAAB${'x'.repeat(40)}`;
    const viaKeystone = openSession(tokenConfig(token));
    const err = await failure(viaKeystone.token(), 'auth', {
      reason: 'credentials-rejected',
      method: 'token',
    });
    expect(JSON.stringify(err.toJSON())).not.toContain(token);

    const direct = openSession({
      interface: 'public',
      auth: { method: 'token', token },
      imageEndpoint: bed.glanceUrl,
    });
    const glanceErr = await failure(new GlanceClient(direct).listImages(), 'auth', {
      reason: 'credentials-rejected',
      method: 'token',
    });
    expect(glanceErr.status).toBe(401);
    expect(JSON.stringify(glanceErr.toJSON())).not.toContain(token);
  });

  it('fails with kind auth when the token is revoked, since it cannot sign in again', async () => {
    const token = await issueToken(bed, bed.member);
    const session = openSession(tokenConfig(token));
    await session.token();
    await revokeToken(bed, token);
    await failure(new GlanceClient(session).listImages(), 'auth', {
      reason: 'credentials-rejected',
      method: 'token',
    });
  });

  it('needs an auth URL or an image endpoint', () => {
    expect(() =>
      openSession({ interface: 'public', auth: { method: 'token', token: 't' } }),
    ).toThrow(/needs an auth URL/);
  });
});

describe('token lifetime', () => {
  it('signs in again, once, when Glance answers 401 for a token that went bad', async () => {
    const session = openSession(passwordConfig(bed, bed.member));
    const first = await session.token();
    // Never used at Glance yet, so Glance's token cache cannot hide the revocation.
    await revokeToken(bed, first);
    const page = await new GlanceClient(session).listImages({ limit: 1 });
    expect(Array.isArray(page.images)).toBe(true);
    expect(await session.token()).not.toBe(first);
  });

  it('renews the token a few minutes before it expires', async () => {
    let now = Date.now();
    const session = openSession(passwordConfig(bed, bed.member), { now: () => now });
    const first = await session.token();
    now += 60_000;
    expect(await session.token()).toBe(first);
    // Keystone's tokens last an hour here: within five minutes of that, a new one.
    now += 56 * 60_000;
    const second = await session.token();
    expect(second).not.toBe(first);
    await new GlanceClient(session).listImages({ limit: 1 });
  });
});

describe('one sign-in for concurrent callers', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(keystoneRoot);
  });
  afterAll(() => proxy.close());

  it('shares one in-flight sign-in, and signs in again after invalidate()', async () => {
    const session = openSession(passwordConfig(bed, bed.member, { authUrl: `${proxy.url}/v3` }));
    const signIns = () =>
      proxy.requests.filter((r) => r.method === 'POST' && r.path === '/v3/auth/tokens').length;
    const tokens = await Promise.all(Array.from({ length: 5 }, () => session.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(signIns()).toBe(1);
    await session.token();
    expect(signIns()).toBe(1);
    session.invalidate();
    await Promise.all([session.token(), session.imageEndpoint()]);
    expect(signIns()).toBe(2);
  });
});

describe('image endpoint from the catalog', () => {
  const region = `glance-desk-${randomUUID().slice(0, 8)}`;
  let adminToken: string;
  let endpointId: string;
  let proxy: FaultProxy;

  // An internal endpoint, in a region of its own, that goes through a relaying proxy: the
  // requests the proxy sees show which endpoint the session picked.
  beforeAll(async () => {
    proxy = await startFaultProxy(bed.glanceUrl);
    adminToken = await issueToken(bed, bed.admin);
    const services = (await keystone(bed, adminToken, 'GET', '/services?type=image')) as {
      services: { id: string }[];
    };
    await keystone(bed, adminToken, 'POST', '/regions', { region: { id: region } });
    const created = (await keystone(bed, adminToken, 'POST', '/endpoints', {
      endpoint: {
        service_id: services.services[0]?.id,
        interface: 'internal',
        region_id: region,
        url: `${proxy.url}/v2`,
      },
    })) as { endpoint: { id: string } };
    endpointId = created.endpoint.id;
  });

  afterAll(async () => {
    await keystone(bed, adminToken, 'DELETE', `/endpoints/${endpointId}`);
    await keystone(bed, adminToken, 'DELETE', `/regions/${region}`);
    await proxy.close();
  });

  it('picks the endpoint by interface and region', async () => {
    const seen = await works(passwordConfig(bed, bed.member, { interface: 'internal', region }));
    expect(seen.endpoint).toBe(proxy.url);
    expect(proxy.requests.map((r) => r.path)).toContain('/v2/images?limit=1');

    const pub = await works(passwordConfig(bed, bed.member, { interface: 'public' }));
    expect(pub.endpoint).toBe(bed.glanceUrl);
  });

  it('says what the catalog has when nothing matches', async () => {
    const session = openSession(passwordConfig(bed, bed.member, { interface: 'public', region }));
    await failure(
      session.imageEndpoint(),
      'not-found',
      new RegExp(
        `no public image endpoint in region ${region}\\. It has: .*internal \\(${region}\\)`,
      ),
    );
  });

  it('uses an explicit endpoint over the catalog', async () => {
    const before = proxy.requests.length;
    const seen = await works(passwordConfig(bed, bed.member, { imageEndpoint: proxy.url }));
    expect(seen.endpoint).toBe(proxy.url);
    expect(proxy.requests.length).toBeGreaterThan(before);
  });
});
