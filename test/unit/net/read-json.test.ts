// readJson against a local server that answers badly on purpose: too big (announced or
// streamed without end), not JSON, of the wrong shape. Each is a `server` error that names
// the service, the host and (for a shape) the field; a body past the cap is not read on.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldPath, maxJsonBytes, readJson, Transport } from '../../../main/net/transport';
import { failure } from '../../support/app-error';

let server: Server;
let base: string;
let host: string;
const transport = new Transport({});
/** Answers whose connection the client closed before the server finished, by path. */
const cut = new Set<string>();

const answers: Record<string, (res: ServerResponse) => void> = {
  '/page': (res) => res.end('{"images": [{"id": "a", "size": 1}, {"id": "b", "size": "12"}]}'),
  '/good': (res) => res.end('{"images": [{"id": "a", "size": 1}], "extra": true}'),
  '/not-json': (res) => res.end('{"images": ['),
  '/empty': (res) => res.writeHead(204).end(),
  '/exactly-the-cap': (res) => res.end(`"${'x'.repeat(1022)}"`),
  '/announced-too-big': (res) => {
    res.writeHead(200, { 'content-length': String(maxJsonBytes + 1) });
    res.write('{"images": [');
  },
  '/endless': (res) => {
    res.writeHead(200);
    const chunk = `${'{"id": "x"},'.repeat(1000)}`;
    res.write('{"images": [');
    const more = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', more);
    };
    more();
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    res.on('close', () => {
      if (!res.writableFinished) cut.add(path);
    });
    res.setHeader('content-type', 'application/json');
    answers[path]?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
});

afterAll(async () => {
  await transport.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const pageSchema = z.looseObject({
  images: z.array(z.looseObject({ id: z.string(), size: z.number() })),
});

const get = (path: string) => transport.request({ method: 'GET', url: `${base}${path}` });

describe('readJson', () => {
  it('reads an answer of the right shape, extra fields included', async () => {
    expect(await readJson(await get('/good'), 'glance', pageSchema)).toEqual({
      images: [{ id: 'a', size: 1 }],
      extra: true,
    });
    expect(await readJson(await get('/exactly-the-cap'), 'glance', z.string(), 1024)).toHaveLength(
      1022,
    );
  });

  it('names the service, the host and the field of a wrong type', async () => {
    const err = await failure(readJson(await get('/page'), 'glance', pageSchema), 'server');
    expect(err.details).toEqual({
      reason: 'bad-answer',
      service: 'glance',
      host,
      field: 'images[1].size',
    });
    expect(err.message).toBe(
      `The image service at ${host} sent an answer Glance Desk cannot use: images[1].size is missing or of the wrong type.`,
    );
  });

  it('reads an empty body as undefined, which only a schema that allows it takes', async () => {
    expect(await readJson(await get('/empty'), 'glance', z.undefined())).toBeUndefined();
    const err = await failure(readJson(await get('/empty'), 'keystone', pageSchema), 'server');
    expect(err.details).toEqual({ reason: 'bad-answer', service: 'keystone', host, field: '' });
    expect(err.message).toBe(
      `Keystone at ${host} sent an answer that is not what this service sends.`,
    );
  });

  it('says so for an answer that is not JSON', async () => {
    const err = await failure(readJson(await get('/not-json'), 'glance', pageSchema), 'server');
    expect(err.details).toEqual({ reason: 'not-json', service: 'glance', host });
  });

  it('refuses an answer announced as larger than the cap without reading it', async () => {
    const err = await failure(
      readJson(await get('/announced-too-big'), 'glance', pageSchema),
      'server',
    );
    expect(err.details).toEqual({
      reason: 'answer-too-large',
      service: 'glance',
      host,
      limitBytes: maxJsonBytes,
    });
    expect(err.message).toMatch(/larger than 32 MiB/);
    await expect.poll(() => cut.has('/announced-too-big')).toBe(true);
  });

  it('stops reading an answer that grows past the cap, and drops the connection', async () => {
    const err = await failure(
      readJson(await get('/endless'), 'glance', pageSchema, 1024),
      'server',
    );
    expect(err.details).toMatchObject({ reason: 'answer-too-large', limitBytes: 1024 });
    await expect.poll(() => cut.has('/endless')).toBe(true);
  });
});

describe('fieldPath', () => {
  it('writes a path as JavaScript would', () => {
    expect(fieldPath(['images', 3, 'size'])).toBe('images[3].size');
    expect(fieldPath(['import-methods', 'value', 0])).toBe('import-methods.value[0]');
    expect(fieldPath(['properties', 'a b', 'enum'])).toBe('properties["a b"].enum');
    expect(fieldPath([0, 'type'])).toBe('[0].type');
    expect(fieldPath([])).toBe('');
  });
});
