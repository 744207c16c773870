// What "Test connection" warns about the image endpoint the service catalog gave: the token
// goes there with every request.
import { describe, expect, it } from 'vitest';
import { catalogWarnings } from '../../../main/profiles/test-connection';

describe('catalogWarnings', () => {
  it('says nothing of an https endpoint on the auth URL’s host, whatever its port', () => {
    expect(
      catalogWarnings(
        { authUrl: 'https://cloud.example.com:5000/v3' },
        'https://cloud.example.com:9292',
      ),
    ).toEqual([]);
  });

  it('warns of plain http and of another host', () => {
    expect(
      catalogWarnings(
        { authUrl: 'https://keystone.example.com/v3' },
        'http://glance.elsewhere.example:9292',
      ),
    ).toEqual([
      { code: 'plain-http', service: 'image', url: 'http://glance.elsewhere.example:9292' },
      {
        code: 'image-host-differs',
        authHost: 'keystone.example.com',
        imageHost: 'glance.elsewhere.example',
      },
    ]);
  });

  it('compares hosts only where there is an auth URL', () => {
    expect(catalogWarnings({}, 'https://glance.example.com')).toEqual([]);
  });
});
