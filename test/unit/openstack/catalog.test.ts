import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import {
  normalizeImageEndpoint,
  pickImageEndpoint,
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

describe('pickImageEndpoint', () => {
  it('picks by interface, the first region when none is given', () => {
    expect(pickImageEndpoint(catalog, 'public')).toBe('https://img.one:9292');
    expect(pickImageEndpoint(catalog, 'internal')).toBe('http://10.0.0.1:9292');
  });

  it('picks by interface and region', () => {
    expect(pickImageEndpoint(catalog, 'public', 'RegionTwo')).toBe('https://img.two/image');
  });

  it('says what there is when nothing matches', () => {
    const err = failure(() => pickImageEndpoint(catalog, 'admin', 'RegionOne'));
    expect(err.kind).toBe('not-found');
    expect(err.message).toBe(
      'The catalog has no admin image endpoint in region RegionOne. It has: public (RegionOne), internal (RegionOne), public (RegionTwo).',
    );
  });

  it('says plainly when the catalog has no image service', () => {
    const err = failure(() => pickImageEndpoint(catalog.slice(0, 1), 'public'));
    expect(err.kind).toBe('unsupported');
    expect(err.message).toMatch(/no image service/);
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
