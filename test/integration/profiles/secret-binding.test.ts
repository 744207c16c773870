// A saved secret goes only where it was entered for, proved through `dispatch` (the way the
// renderer reaches main) against the real Keystone + Glance: change the auth URL, image
// endpoint, proxy, "skip TLS verification" or CA file of a saved profile without typing the
// password again, and main refuses to send it — "Save" and "Test connection" alike, and
// nothing reaches the new host. Typed again, it works. Proxy credentials are a secret too.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProfileInput } from '../../../common/profile';
import type { BoundSetting } from '../../../common/secret-binding';
import { startConnectProxy, type ConnectProxy } from '../../support/connect-proxy';
import { makeCertificates, type TestCertificates } from '../../support/tls-proxy';
import { readAllFiles } from '../../unit/profiles/helpers';
import { passwordProfile, startTestMain, tempFolder, type TestMain } from '../ipc/harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);
const glanceUrl = bed.glanceUrl.replace(/\/+$/, '');

/** Where a hostile page (or a typo) would send the profile: it records everything it is sent. */
interface Trap {
  url: string;
  /** Every request and CONNECT it received, with its headers and body. */
  readonly received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

async function startTrap(): Promise<Trap> {
  const received: Trap['received'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(404).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, socket: Socket) => {
    received.push({ method: 'CONNECT', url: req.url ?? '', headers: req.headers, body: '' });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let main: TestMain;
let trap: Trap;
let certificates: TestCertificates;

beforeAll(async () => {
  main = await startTestMain();
  trap = await startTrap();
  certificates = await makeCertificates();
  await main.pick('ca-file', certificates.caFile);
});

afterAll(async () => {
  await main?.close();
  await trap?.close();
  await certificates?.remove();
});

const member = bed.member;

/** The member's profile as the form sends it back after an edit: no password typed. */
function edited(changes: Partial<ProfileInput>, name: string): ProfileInput {
  return passwordProfile(bed, member, { name, secret: undefined, ...changes });
}

/** Expects the call to be refused because the password must be typed again, naming `changed`. */
function expectSecretNeeded(result: unknown, changed: BoundSetting, secret = 'password'): void {
  expect(result).toMatchObject({
    ok: false,
    error: { kind: 'validation', details: { reason: 'secret-needed', secret, changed } },
  });
  expect(JSON.stringify(result)).not.toContain(member.password);
}

describe('a saved password is sent only where it was entered for', () => {
  let id: string;
  const name = `bound ${runId}`;

  beforeAll(async () => {
    ({ id } = await main.value('saveProfile', { profile: passwordProfile(bed, member, { name }) }));
  });

  const changes: [BoundSetting, () => Partial<ProfileInput>][] = [
    ['authUrl', () => ({ authUrl: `${trap.url}/v3` })],
    ['imageEndpoint', () => ({ imageEndpoint: trap.url })],
    ['proxy', () => ({ proxy: trap.url })],
    ['insecure', () => ({ insecure: true })],
    ['caFile', () => ({ caFile: certificates.caFile })],
  ];

  for (const [setting, change] of changes) {
    it(`refuses to save or test a changed ${setting} with the saved password`, async () => {
      const form = edited(change(), name);
      expectSecretNeeded(await main.call('testConnection', { id, profile: form }), setting);
      expectSecretNeeded(await main.call('saveProfile', { id, profile: form }), setting);
      // Nothing went out, and nothing changed.
      expect(trap.received).toEqual([]);
      expect(await main.value('listProfiles')).toContainEqual(
        expect.objectContaining({ id, authUrl: bed.authUrl, secretState: 'stored' }),
      );
      expect(await main.value('testConnection', { id })).toMatchObject({ ok: true });
    });
  }

  it('keeps it for an edit that changes none of them', async () => {
    const form = edited({ region: bed.region, label: 'same' }, name);
    expect(await main.value('testConnection', { id, profile: form })).toMatchObject({ ok: true });
    expect(await main.value('saveProfile', { id, profile: form })).toMatchObject({
      label: 'same',
      secretState: 'stored',
    });
  });

  it('connects with the changed settings once the password is typed again', async () => {
    const proxy = await startConnectProxy();
    try {
      const form = passwordProfile(bed, member, {
        name,
        proxy: proxy.url,
        insecure: true,
        caFile: certificates.caFile,
      });
      expect(await main.value('testConnection', { id, profile: form })).toMatchObject({
        ok: true,
        imageEndpoint: glanceUrl,
      });
      await main.value('saveProfile', { id, profile: form });
      expect(await main.value('testConnection', { id })).toMatchObject({ ok: true });
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      // Bound to these settings now: the old ones need the password again.
      expectSecretNeeded(
        await main.call('saveProfile', { id, profile: edited({}, name) }),
        'proxy',
      );
    } finally {
      await proxy.close();
    }
  });
});

describe('an imported password is sent only where the import found it', () => {
  it('refuses an imported profile pointed elsewhere before it is saved', async () => {
    const folder = tempFolder('clouds');
    const cloudsPath = join(folder, 'clouds.yaml');
    await writeFile(
      cloudsPath,
      [
        'clouds:',
        '  testbed:',
        '    auth:',
        `      auth_url: ${bed.authUrl}`,
        `      username: ${member.username}`,
        `      password: ${member.password}`,
        `      project_name: ${member.projectName}`,
        `      user_domain_id: ${member.domainId}`,
        `      project_domain_id: ${member.domainId}`,
        `    region_name: ${bed.region}`,
      ].join('\n'),
    );
    await main.pick('clouds-yaml', cloudsPath);
    const { profiles } = await main.value('importProfiles', {
      kind: 'clouds-yaml',
      path: cloudsPath,
    });
    const imported = { ...profiles[0], name: `imported ${runId}` } as ProfileInput;
    const moved = { ...imported, authUrl: `${trap.url}/v3` };
    expectSecretNeeded(await main.call('testConnection', { profile: moved }), 'authUrl');
    expectSecretNeeded(await main.call('saveProfile', { profile: moved }), 'authUrl');
    expect(trap.received).toEqual([]);

    const saved = await main.value('saveProfile', { profile: imported });
    expect(await main.value('testConnection', { id: saved.id })).toMatchObject({ ok: true });
  });
});

describe('proxy credentials', () => {
  const username = 'glance-desk';
  const password = `Pr0xy-${runId}`;
  let proxy: ConnectProxy;
  let other: ConnectProxy;

  beforeAll(async () => {
    proxy = await startConnectProxy({ username, password });
    other = await startConnectProxy();
  });
  afterAll(async () => {
    await proxy?.close();
    await other?.close();
  });

  it('are kept encrypted, never handed to the renderer, used for the proxy they were typed for', async () => {
    const name = `proxied ${runId}`;
    const withCredentials = proxy.url.replace('http://', `http://${username}:${password}@`);
    const saved = await main.value('saveProfile', {
      profile: passwordProfile(bed, member, { name, proxy: withCredentials }),
    });
    expect(saved).toMatchObject({ proxy: proxy.url, proxyCredentials: 'stored' });
    const listed = await main.value('listProfiles');
    expect(JSON.stringify(listed)).not.toContain(password);
    for (const { file, text } of readAllFiles(main.dataDir)) {
      expect(text.includes(password), `${file} holds the proxy password`).toBe(false);
    }

    // The proxy insists on them; the saved profile and an edit that keeps the proxy get through.
    expect(await main.value('testConnection', { id: saved.id })).toMatchObject({ ok: true });
    const form = edited({ proxy: proxy.url }, name);
    expect(await main.value('testConnection', { id: saved.id, profile: form })).toMatchObject({
      ok: true,
    });
    expect(proxy.tunnels.length).toBeGreaterThan(0);

    // Another proxy: the profile's password is asked for first, then the proxy's credentials.
    const elsewhere = edited({ proxy: other.url }, name);
    expectSecretNeeded(
      await main.call('saveProfile', { id: saved.id, profile: elsewhere }),
      'proxy',
    );
    const typed = { ...elsewhere, secret: member.password };
    expectSecretNeeded(
      await main.call('testConnection', { id: saved.id, profile: typed }),
      'proxy',
      'proxy-credentials',
    );
    expectSecretNeeded(
      await main.call('saveProfile', { id: saved.id, profile: typed }),
      'proxy',
      'proxy-credentials',
    );
    expect(other.tunnels).toEqual([]);

    // Removed, the proxy turns the connection away.
    const removed = await main.value('saveProfile', {
      id: saved.id,
      profile: { ...form, removeProxyCredentials: true },
    });
    expect(removed).not.toHaveProperty('proxyCredentials');
    expect(await main.value('testConnection', { id: saved.id })).toMatchObject({ ok: false });
  });
});
