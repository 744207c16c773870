import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import {
  catalogSchema,
  normalizeImageEndpoint,
  otherImageRegions,
  pickImageEndpoint,
  trustedLink,
  type CatalogService,
} from '../../../main/openstack/catalog';

// Shaped like token.catalog from Keystone v3.
const catalog: CatalogService[] = [
  {
    type: 'identity',
    name: 'keystone',
    endpoints: [
      { interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: 'http://k/v3/' },
    ],
  },
  {
    type: 'image',
    name: 'glance',
    endpoints: [
      {
        interface: 'public',
        region: 'RegionOne',
        region_id: 'RegionOne',
        url: 'https://img.one:9292/',
      },
      {
        interface: 'internal',
        region: 'RegionOne',
        region_id: 'RegionOne',
        url: 'http://10.0.0.1:9292/v2',
      },
      {
        interface: 'public',
        region: 'RegionTwo',
        region_id: 'RegionTwo',
        url: 'https://img.two/image/v2.0/',
      },
    ],
  },
];

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
  }
  throw new Error('expected an AppError');
}

// The Keystone the catalog came from: plain http, so http endpoints are no downgrade.
const keystone = 'http://k/v3';

describe('pickImageEndpoint', () => {
  it('picks by interface, the first region when none is given', () => {
    expect(pickImageEndpoint(catalog, keystone, 'public')).toBe('https://img.one:9292');
    expect(pickImageEndpoint(catalog, keystone, 'internal')).toBe('http://10.0.0.1:9292');
  });

  it('picks by interface and region', () => {
    expect(pickImageEndpoint(catalog, keystone, 'public', 'RegionTwo')).toBe(
      'https://img.two/image',
    );
  });

  it('refuses an http endpoint from an https Keystone, and a scheme that is not http(s)', () => {
    const downgrade = failure(() => pickImageEndpoint(catalog, 'https://k/v3', 'internal'));
    expect(downgrade).toMatchObject({
      kind: 'server',
      details: {
        reason: 'https-downgrade',
        service: 'keystone',
        host: 'k',
        url: 'http://10.0.0.1:9292',
      },
    });
    expect(pickImageEndpoint(catalog, 'https://k/v3', 'public')).toBe('https://img.one:9292');

    const odd = structuredClone(catalog);
    const [, image] = odd;
    if (image?.endpoints[0]) image.endpoints[0].url = 'file:///etc/passwd';
    expect(failure(() => pickImageEndpoint(odd, keystone, 'public'))).toMatchObject({
      kind: 'server',
      details: { reason: 'bad-scheme', service: 'keystone', host: 'k', scheme: 'file:' },
    });
    if (image?.endpoints[0]) image.endpoints[0].url = 'http://[broken';
    expect(failure(() => pickImageEndpoint(odd, keystone, 'public'))).toMatchObject({
      kind: 'server',
      details: { reason: 'bad-answer', field: 'token.catalog[1].endpoints[0].url' },
    });
  });

  it('says what there is when nothing matches', () => {
    const err = failure(() => pickImageEndpoint(catalog, keystone, 'admin', 'RegionOne'));
    expect(err.kind).toBe('not-found');
    expect(err.message).toBe(
      'The catalog has no admin image endpoint in region RegionOne. It has: public (RegionOne), internal (RegionOne), public (RegionTwo).',
    );
  });

  it('says plainly when the catalog has no image service', () => {
    const err = failure(() => pickImageEndpoint(catalog.slice(0, 1), keystone, 'public'));
    expect(err.kind).toBe('unsupported');
    expect(err.message).toMatch(/no image service/);
  });
});

describe('otherImageRegions', () => {
  it('lists the other regions with an image endpoint for the interface', () => {
    expect(otherImageRegions(catalog, 'public', 'RegionOne')).toEqual(['RegionTwo']);
    expect(otherImageRegions(catalog, 'public', 'RegionTwo')).toEqual(['RegionOne']);
    // Without a region the session uses the first endpoint: RegionOne is its own.
    expect(otherImageRegions(catalog, 'public')).toEqual(['RegionTwo']);
    expect(otherImageRegions(catalog, 'internal', 'RegionOne')).toEqual([]);
    expect(otherImageRegions([], 'public')).toEqual([]);
  });
});

describe('normalizeImageEndpoint', () => {
  it('drops trailing slashes and a version suffix', () => {
    expect(normalizeImageEndpoint('http://h:9292/')).toBe('http://h:9292');
    expect(normalizeImageEndpoint('http://h:9292/v2/')).toBe('http://h:9292');
    expect(normalizeImageEndpoint('http://h/image/v2.1')).toBe('http://h/image');
    expect(normalizeImageEndpoint('http://h/v2x')).toBe('http://h/v2x');
  });
});

describe('trustedLink', () => {
  it('takes http(s) links, relative ones resolved against where they came from', () => {
    expect(trustedLink('https://k:5000/v3/', 'https://k:5000/', 'f').href).toBe(
      'https://k:5000/v3/',
    );
    expect(trustedLink('/identity/v3', 'https://k/', 'f').href).toBe('https://k/identity/v3');
    expect(trustedLink('https://k/v3', 'http://k/', 'f').href).toBe('https://k/v3');
    expect(trustedLink('http://k/v3', 'http://k/', 'f').href).toBe('http://k/v3');
  });

  it('refuses https → http and every scheme but http(s), naming Keystone and its host', () => {
    expect(failure(() => trustedLink('http://k/v3', 'https://k:5000/', 'f'))).toMatchObject({
      kind: 'server',
      details: { reason: 'https-downgrade', service: 'keystone', host: 'k:5000', url: 'http://k' },
    });
    for (const [link, scheme] of [
      ['file:///etc/passwd', 'file:'],
      ['javascript:alert(1)', 'javascript:'],
      ['ftp://k/v3', 'ftp:'],
    ]) {
      expect(
        failure(() => trustedLink(link as string, 'http://k/', 'f')),
        link,
      ).toMatchObject({
        details: { reason: 'bad-scheme', scheme },
      });
    }
    expect(failure(() => trustedLink('http://[', 'http://k/', 'links[0].href'))).toMatchObject({
      details: { reason: 'bad-answer', service: 'keystone', field: 'links[0].href' },
    });
  });
});

describe('catalogSchema', () => {
  it('takes a Keystone or Huawei IAM catalog with fields it does not read', () => {
    const huawei = [
      {
        type: 'image',
        name: 'ims',
        id: 'svc-1',
        endpoints: [
          {
            id: 'ep-1',
            interface: 'public',
            region: 'cn-north-4',
            region_id: 'cn-north-4',
            url: 'https://ims.cn-north-4.myhuaweicloud.com',
          },
        ],
      },
      { type: 'identity', name: null, endpoints: [] },
    ];
    expect(catalogSchema.parse(huawei)).toEqual(huawei);
    expect(catalogSchema.parse(catalog)).toEqual(catalog);
  });

  it('refuses wrong types, with the path of the field', () => {
    for (const [value, path] of [
      [{ type: 'image', endpoints: 'none' }, [0, 'endpoints']],
      [{ type: 7, endpoints: [] }, [0, 'type']],
      [
        { type: 'image', endpoints: [{ interface: 'public', url: 42 }] },
        [0, 'endpoints', 0, 'url'],
      ],
      [
        { type: 'image', endpoints: [{ interface: 'public', url: 'u', region: 1 }] },
        [0, 'endpoints', 0, 'region'],
      ],
    ] as const) {
      const result = catalogSchema.safeParse([value]);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(path);
    }
  });
});
