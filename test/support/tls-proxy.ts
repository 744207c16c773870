/**
 * A TLS-terminating proxy for tests: HTTPS on 127.0.0.1 in front of a plain-HTTP server
 * (Glance), with a CA and a server certificate that `openssl` makes in a temp folder. The
 * certificate is valid for IP 127.0.0.1, so the only reason a client can have to distrust
 * it is not knowing the CA.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  /** The CA's certificate (PEM): what a client must trust. */
  caFile: string;
  keyFile: string;
  certFile: string;
  /** Deletes the temp folder. */
  remove(): Promise<void>;
}

export async function makeCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'glance-desk-tls-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (args: string[]) => run('openssl', args, { cwd: dir });
  await openssl([
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=Glance Desk Test CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  await openssl([
    ...['req', '-newkey', 'rsa:2048', '-nodes'],
    ...['-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1'],
  ]);
  await writeFile(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await openssl([
    ...['x509', '-req', '-in', file('server.csr'), '-days', '2'],
    ...['-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial'],
    ...['-out', file('server.pem'), '-extfile', file('server.ext')],
  ]);
  return {
    caFile: file('ca.pem'),
    keyFile: file('server.key'),
    certFile: file('server.pem'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TlsProxy {
  /** https://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

/** Terminates TLS with the test certificate and relays the plain bytes to `target` (http://127.0.0.1:PORT). */
export async function startTlsProxy(
  target: string,
  certificates: TestCertificates,
): Promise<TlsProxy> {
  const upstream = new URL(target);
  if (upstream.hostname !== '127.0.0.1')
    throw new Error('the TLS proxy only forwards to 127.0.0.1');
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer(
    {
      key: await readFile(certificates.keyFile),
      cert: await readFile(certificates.certFile),
    },
    (client) => {
      const server = connect(Number(upstream.port), '127.0.0.1');
      track(client);
      track(server);
      client.pipe(server).on('error', () => client.destroy());
      server.pipe(client).on('error', () => server.destroy());
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
      client.on('close', () => server.destroy());
      server.on('close', () => client.destroy());
    },
  );
  // A client that rejects the certificate ends the handshake: nothing to report.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `https://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
