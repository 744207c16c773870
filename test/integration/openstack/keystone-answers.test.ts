// What Keystone hands out decides where the password and the token go next: its version
// links and its catalog's image endpoint. Behind an https front (a TLS proxy before the real
// Keystone, which then names plain-http URLs) a link to http is refused, as is a link that is
// not http(s) or a token body of the wrong shape (the fault proxy answers those).
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ConnectionConfig } from '../../../common/connection';
import { GlanceClient } from '../../../main/openstack/glance';
import { failure } from '../../support/app-error';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { openSession, passwordConfig } from '../../support/sessions';
import {
  makeCertificates,
  startTlsProxy,
  type TestCertificates,
  type TlsProxy,
} from '../../support/tls-proxy';

const bed = inject('testbed');
const keystoneRoot = bed.authUrl.replace(/\/v3$/, '');

describe('Keystone behind https that names http URLs', () => {
  let certificates: TestCertificates;
  let proxy: TlsProxy;
  let host: string;
  const config = (authUrl: string, extra: Partial<ConnectionConfig> = {}) =>
    passwordConfig(bed, bed.member, { authUrl, caFile: certificates.caFile, ...extra });

  beforeAll(async () => {
    certificates = await makeCertificates();
    proxy = await startTlsProxy(keystoneRoot, certificates);
    host = new URL(proxy.url).host;
  });

  afterAll(async () => {
    await proxy.close();
    await certificates.remove();
  });

  it('refuses the plain-http v3 link of its version discovery', async () => {
    const session = openSession(config(`${proxy.url}/`));
    const err = await failure(session.token(), 'server');
    expect(err.details).toEqual({
      reason: 'https-downgrade',
      service: 'keystone',
      host,
      url: `http://${host}`,
    });
  });

  it('signs in at its /v3 URL, but refuses the plain-http image endpoint of its catalog', async () => {
    const session = openSession(config(`${proxy.url}/v3`));
    expect(await session.projectId()).toBe(bed.member.projectId);
    const err = await failure(new GlanceClient(session).listImages({ limit: 1 }), 'server');
    expect(err.details).toEqual({
      reason: 'https-downgrade',
      service: 'keystone',
      host,
      url: new URL(bed.glanceUrl).origin,
    });
  });

  it('uses a plain-http image endpoint the user entered', async () => {
    const session = openSession(config(`${proxy.url}/v3`, { imageEndpoint: bed.glanceUrl }));
    const page = await new GlanceClient(session).listImages({ limit: 1 });
    expect(Array.isArray(page.images)).toBe(true);
  });
});

describe('bad answers from Keystone', () => {
  let proxy: FaultProxy;
  let host: string;

  beforeAll(async () => {
    proxy = await startFaultProxy(keystoneRoot);
    host = new URL(proxy.url).host;
  });

  afterAll(() => proxy.close());

  beforeEach(() => proxy.clearRules());

  const answer = (match: RegExp, body: string, headers: Record<string, string> = {}) =>
    proxy.addRule({ match, fault: { kind: 'respond', status: 200, headers, body } });

  it('a version link that is not http(s)', async () => {
    const version = {
      id: 'v3.14',
      status: 'stable',
      links: [{ rel: 'self', href: 'file:///etc/passwd' }],
    };
    answer(/^GET \/$/, JSON.stringify({ versions: { values: [version] } }));
    const session = openSession(passwordConfig(bed, bed.member, { authUrl: `${proxy.url}/` }));
    const err = await failure(session.token(), 'server');
    expect(err.details).toEqual({
      reason: 'bad-scheme',
      service: 'keystone',
      host,
      scheme: 'file:',
    });
  });

  it('a token body of the wrong shape, naming the field', async () => {
    const session = () =>
      openSession(passwordConfig(bed, bed.member, { authUrl: `${proxy.url}/v3` }));
    const signIn = /^POST \/v3\/auth\/tokens$/;
    const withToken = { 'x-subject-token': 'a-token' };
    for (const [token, field] of [
      [{ expires_at: 'soon' }, 'token.expires_at'],
      [{ catalog: { image: 'http://g' } }, 'token.catalog'],
      [
        { catalog: [{ type: 'image', endpoints: [{ interface: 'public' }] }] },
        'token.catalog[0].endpoints[0].url',
      ],
      [{ project: { id: 7 } }, 'token.project.id'],
    ] as const) {
      answer(signIn, JSON.stringify({ token }), withToken);
      const err = await failure(session().token(), 'server');
      expect(err.details, field).toEqual({
        reason: 'bad-answer',
        service: 'keystone',
        host,
        field,
      });
    }
    answer(signIn, '', withToken);
    const empty = await failure(session().token(), 'server');
    expect(empty.details).toMatchObject({ reason: 'bad-answer', field: '' });
  });

  it('the real Keystone still answers through the proxy', async () => {
    const session = openSession(passwordConfig(bed, bed.member, { authUrl: `${proxy.url}/` }));
    expect(await session.projectId()).toBe(bed.member.projectId);
  });
});
