// The shaping proxy in front of the real Glance: bytes arrive whole and in order, one
// connection is held to the rate, and a new connection pays the round trips. Only lower
// bounds on time are asserted (a loaded machine is slower, never faster); the shaping
// arithmetic itself is unit-tested in test/unit/transfers/token-bucket.test.ts.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectToken } from '../../testbed/index';
import { createRandomFile, uploadImage } from '../../testbed/seed';
import { burstBytes, startShapingProxy } from '../../support/shaping-proxy';

const bed = inject('testbed');
const MiB = 1024 * 1024;
const size = 6 * MiB;

let work = '';
let imageId = '';
let sha512 = '';
let token = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'shaping-'));
  const file = join(work, 'source.bin');
  ({ sha512 } = await createRandomFile(file, size));
  ({ id: imageId } = await uploadImage(bed, bed.admin, { name: `shaping ${randomUUID()}`, file }));
  token = await projectToken(bed.authUrl, bed.admin);
});

afterAll(async () => {
  if (imageId !== '') {
    await request(`${bed.glanceUrl}/v2/images/${imageId}`, {
      method: 'DELETE',
      headers: { 'x-auth-token': token },
    }).then(({ body }) => body.dump());
  }
  await rm(work, { recursive: true, force: true });
});

/** GETs the image's data through `url`: its sha512, and when the headers and the last byte came. */
async function fetchImage(url: string) {
  const started = performance.now();
  const { statusCode, body } = await request(`${url}/v2/images/${imageId}/file`, {
    headers: { 'x-auth-token': token },
  });
  const headersAfterMs = performance.now() - started;
  const hash = createHash('sha512');
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return {
    statusCode,
    bytes,
    sha512: hash.digest('hex'),
    headersAfterMs,
    seconds: (performance.now() - started) / 1000,
  };
}

describe('shaping proxy', () => {
  it('relays every byte in order and holds one connection to the rate', async () => {
    const bytesPerSecond = 8 * MiB;
    const proxy = await startShapingProxy(bed.glanceUrl, { bytesPerSecond, delayMs: 5 });
    try {
      const got = await fetchImage(proxy.url);
      expect(got).toMatchObject({ statusCode: 200, bytes: size, sha512 });
      expect(proxy.connections).toBe(1);
      // The body (and the request's head) can be no faster than the rate after one burst.
      expect(got.seconds).toBeGreaterThanOrEqual(
        (size - 2 * burstBytes(bytesPerSecond)) / bytesPerSecond,
      );
    } finally {
      await proxy.close();
    }
  });

  it('delays each way, and a new connection by one round trip more', async () => {
    const delayMs = 100;
    const proxy = await startShapingProxy(bed.glanceUrl, { bytesPerSecond: 64 * MiB, delayMs });
    try {
      const got = await fetchImage(proxy.url);
      expect(got).toMatchObject({ statusCode: 200, bytes: size, sha512 });
      // Handshake (a round trip), the request (one way), the answer (one way).
      expect(got.headersAfterMs).toBeGreaterThanOrEqual(4 * delayMs - 1);
    } finally {
      await proxy.close();
    }
  });

  it('refuses other hosts and unbounded settings', async () => {
    await expect(
      startShapingProxy('http://192.0.2.1:80', { bytesPerSecond: MiB, delayMs: 0 }),
    ).rejects.toThrow(/only forwards to 127\.0\.0\.1/);
    await expect(
      startShapingProxy(bed.glanceUrl, { bytesPerSecond: 0, delayMs: 0 }),
    ).rejects.toThrow(RangeError);
    await expect(
      startShapingProxy(bed.glanceUrl, { bytesPerSecond: MiB, delayMs: 60_000 }),
    ).rejects.toThrow(RangeError);
  });
});
