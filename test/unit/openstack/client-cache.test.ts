// The client cache builds a profile's clients once, on first use, and forgets them when
// told; closing it closes every session it holds. No server is needed: sessions connect
// only when they send.
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionConfig } from '../../../common/connection';
import { AppError } from '../../../common/errors';
import { ClientCache } from '../../../main/openstack/client-cache';
import type { RequestFailure } from '../../../main/net/transport';

const tokenProfile = (imageEndpoint: string): ConnectionConfig => ({
  auth: { method: 'token', token: 'gAAAA-test-token' },
  imageEndpoint,
  interface: 'public',
});

function connections(configs: Record<string, ConnectionConfig>) {
  const resolveConnection = vi.fn((id: string) => {
    const config = configs[id];
    if (config === undefined) throw new AppError({ kind: 'not-found', message: `No ${id}.` });
    return config;
  });
  return { resolveConnection };
}

describe('ClientCache', () => {
  it("builds a profile's clients once and hands out the same ones until invalidated", async () => {
    const source = connections({
      a: tokenProfile('https://glance.a.example'),
      b: tokenProfile('https://glance.b.example'),
    });
    const cache = new ClientCache(source);
    const first = cache.get('a');
    expect(cache.get('a')).toBe(first);
    expect(cache.get('b').session).not.toBe(first.session);
    expect(source.resolveConnection).toHaveBeenCalledTimes(2);

    // Saved again: the next use reads the profile again; the old session stays open for
    // whoever still holds it.
    const closeOld = vi.spyOn(first.session, 'close');
    cache.invalidate('a');
    const second = cache.get('a');
    expect(second).not.toBe(first);
    expect(source.resolveConnection).toHaveBeenCalledTimes(3);
    expect(closeOld).not.toHaveBeenCalled();
    await cache.close();
  });

  it('closes every session it holds, and starts afresh after', async () => {
    const cache = new ClientCache(
      connections({ a: tokenProfile('https://glance.a.example'), b: tokenProfile('https://b') }),
    );
    const closes = ['a', 'b'].map((id) => vi.spyOn(cache.get(id).session, 'close'));
    const a = cache.get('a');
    await cache.close();
    for (const close of closes) expect(close).toHaveBeenCalledTimes(1);
    expect(cache.get('a')).not.toBe(a);
    await cache.close();
  });

  it('keeps nothing for a profile it cannot connect', async () => {
    const source = connections({
      // A password profile without a Keystone URL cannot make a session.
      broken: {
        auth: { method: 'password', user: { name: 'u' }, password: 'p', project: { name: 'x' } },
        interface: 'public',
      },
    });
    const cache = new ClientCache(source);
    expect(() => cache.get('missing')).toThrow('No missing.');
    expect(() => cache.get('broken')).toThrow(AppError);
    expect(() => cache.get('broken')).toThrow(AppError);
    expect(source.resolveConnection).toHaveBeenCalledTimes(3);
    await cache.close();
  });

  it("reports each failed request of a profile's clients", async () => {
    const failures: RequestFailure[] = [];
    // Port 1 on this machine refuses connections at once.
    const cache = new ClientCache(connections({ a: tokenProfile('http://127.0.0.1:1') }), (f) =>
      failures.push(f),
    );
    await expect(cache.get('a').glance.getImage('some-image')).rejects.toMatchObject({
      kind: 'network',
    });
    expect(failures).toEqual([
      expect.objectContaining({ method: 'GET', url: 'http://127.0.0.1:1/v2/images/some-image' }),
    ]);
    expect(JSON.stringify(failures)).not.toContain('gAAAA-test-token');
    await cache.close();
  });
});
