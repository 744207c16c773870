// The transport against a local HTTP server that misbehaves on purpose: it echoes secrets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../../../main/net/transport';
import { failure } from '../../support/app-error';

let server: Server;
let base: string;
const transport = new Transport({});

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/ok') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('fine');
        return;
      }
      res
        .writeHead(Number(req.url?.slice(1)), {
          'content-type': 'application/json',
          'x-openstack-request-id': 'req-echo',
        })
        .end(
          JSON.stringify({
            message: `token ${String(req.headers['x-auth-token'])} body ${body} done`,
          }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await transport.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('Transport.request', () => {
  it('hands back a successful response with its body unread', async () => {
    const res = await transport.request({ method: 'GET', url: `${base}/ok` });
    expect(res.status).toBe(200);
    expect(await res.body.text()).toBe('fine');
  });

  it('never lets the token or a given secret through in the server message', async () => {
    const err = await failure(
      transport.request({
        method: 'POST',
        url: `${base}/400`,
        headers: { 'X-Auth-Token': 'tok-123456' },
        body: '{"password":"pw-secret"}',
        secrets: ['pw-secret'],
      }),
      'bad-request',
    );
    expect(err.serverMessage).toBe('token [redacted] body {"password":"[redacted]"} done');
    expect(err.requestId).toBe('req-echo');
    expect(err.status).toBe(400);
  });

  it('applies the caller’s explanation for a status', async () => {
    await failure(
      transport.request({
        method: 'GET',
        url: `${base}/409`,
        explanations: {
          409: { details: { reason: 'data-exists' }, message: 'Already has data.' },
        },
      }),
      'conflict',
      { reason: 'data-exists' },
    );
  });

  it('maps server errors to kind server', async () => {
    await failure(transport.request({ method: 'GET', url: `${base}/503` }), 'server', {
      reason: 'unavailable',
    });
  });
});
