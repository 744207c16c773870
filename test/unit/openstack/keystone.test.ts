// What main reads from Keystone's answers, checked: version discovery (which decides where
// the password goes) and the token body (expiry, catalog, project).
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import {
  discoverySchema,
  identityFromDiscovery,
  tokenBodySchema,
} from '../../../main/openstack/keystone';

const v3 = (href: string, status = 'stable') => ({
  id: 'v3.14',
  status,
  links: [
    { rel: 'describedby', href: 'https://docs.openstack.org/' },
    { rel: 'self', href },
  ],
});

const discover = (body: unknown, authUrl: string) =>
  identityFromDiscovery(discoverySchema.parse(body), authUrl);

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
  }
  throw new Error('expected an AppError');
}

describe('version discovery', () => {
  it('finds the v3 link in each form Keystone answers with', () => {
    const listed = {
      versions: {
        values: [v3('https://k:5000/v3/'), { id: 'v2.0', status: 'deprecated', links: [] }],
      },
    };
    expect(discover(listed, 'https://k:5000/')).toBe('https://k:5000/v3');
    expect(discover({ version: v3('https://k/identity/v3/') }, 'https://k/identity/v3')).toBe(
      'https://k/identity/v3',
    );
    // A relative link (some proxies rewrite them) is resolved against the auth URL.
    expect(discover({ version: v3('/identity/v3') }, 'https://k/identity')).toBe(
      'https://k/identity/v3',
    );
  });

  it('finds none at a service that is not Keystone, or whose v3 is deprecated', () => {
    const glance = { versions: [{ id: 'v2.9', status: 'CURRENT', links: [] }] };
    expect(discover(glance, 'http://g:9292/')).toBeUndefined();
    expect(discover({ version: v3('https://k/v3', 'deprecated') }, 'https://k/')).toBeUndefined();
    expect(discover({ version: { id: 'v3.14', links: [] } }, 'https://k/')).toBeUndefined();
    expect(discover(undefined, 'https://k/')).toBeUndefined();
  });

  it('refuses a link from https to plain http, and one that is not http(s)', () => {
    const downgrade = thrown(() =>
      discover({ versions: { values: [v3('http://k:5000/v3/')] } }, 'https://k:5000/'),
    );
    expect(downgrade).toMatchObject({
      kind: 'server',
      details: {
        reason: 'https-downgrade',
        service: 'keystone',
        host: 'k:5000',
        url: 'http://k:5000',
      },
    });
    expect(
      thrown(() => discover({ version: v3('file:///etc/passwd') }, 'http://k/')),
    ).toMatchObject({ details: { reason: 'bad-scheme', scheme: 'file:' } });
    expect(thrown(() => discover({ version: v3('http://[') }, 'http://k/'))).toMatchObject({
      details: { reason: 'bad-answer', field: 'version.links[1].href' },
    });
  });

  it('refuses wrong types, with the path of the field', () => {
    for (const [body, path] of [
      [{ versions: 'v3' }, ['versions']],
      [{ version: { id: 3 } }, ['version', 'id']],
      [{ versions: { values: [{ id: 'v3', links: [{ rel: 'self', href: 5 }] }] } }, ['versions']],
      [{ version: { links: {} } }, ['version', 'links']],
    ] as const) {
      const result = discoverySchema.safeParse(body);
      expect(result.success, JSON.stringify(body)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(path);
    }
  });
});

describe('the token body', () => {
  const token = {
    methods: ['password'],
    expires_at: '2026-01-01T12:00:00.000000Z',
    project: { id: 'p1', name: 'demo', domain: { id: 'default' } },
    catalog: [{ type: 'image', id: 's', endpoints: [{ interface: 'public', url: 'http://g' }] }],
    user: { id: 'u' },
  };

  it('takes what Keystone sends, with fields it does not read, and without the optional parts', () => {
    expect(tokenBodySchema.parse({ token })).toEqual({ token });
    // Unscoped: no project and no catalog.
    const unscoped = { token: { expires_at: token.expires_at, user: token.user } };
    expect(tokenBodySchema.parse(unscoped)).toEqual(unscoped);
  });

  it('refuses a body without a token and wrong types, with the path of the field', () => {
    for (const [body, path] of [
      [undefined, []],
      [{}, ['token']],
      [{ token: { ...token, expires_at: 'tomorrow' } }, ['token', 'expires_at']],
      [{ token: { ...token, expires_at: 1_700_000_000 } }, ['token', 'expires_at']],
      [{ token: { ...token, catalog: {} } }, ['token', 'catalog']],
      [{ token: { ...token, catalog: [{ type: 'image' }] } }, ['token', 'catalog', 0, 'endpoints']],
      [{ token: { ...token, project: { id: 7 } } }, ['token', 'project', 'id']],
    ] as const) {
      const result = tokenBodySchema.safeParse(body);
      expect(result.success, JSON.stringify(body)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(path);
    }
  });
});
