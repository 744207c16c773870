import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../../main/net/scrub';

describe('scrubSecrets', () => {
  it('removes every occurrence of the known secrets, however short', () => {
    expect(scrubSecrets('pw=abc; again abc', ['abc'])).toBe('pw=[redacted]; again [redacted]');
  });

  it('ignores empty secrets', () => {
    expect(scrubSecrets('nothing to hide', [''])).toBe('nothing to hide');
  });

  it('removes Fernet-looking tokens it was not told about', () => {
    const token =
      'gAAAAABpXk3Zq0v8uGk2Z9T2n5ZtG4cG2XrZqg9Jx1m8p2d4V6wR3aQeLkT0yU7iO9pS1dF5gH8jK2lZ4xC6vB3nM7';
    expect(scrubSecrets(`token ${token} rejected`)).toBe('token [redacted] rejected');
  });

  it('removes password, secret and token fields from JSON dumps', () => {
    const dump = JSON.stringify({
      auth: { password: 'p"w', secret: 's3', token: { id: 'x' }, nested: { token: 't' } },
    });
    const clean = scrubSecrets(dump);
    expect(clean).not.toMatch(/p\\"w|s3|"t"/);
    expect(clean).toContain('"password":"[redacted]"');
    expect(clean).toContain('"secret":"[redacted]"');
    expect(clean).toContain('"token":"[redacted]"');
  });

  it('removes token headers from header dumps', () => {
    expect(scrubSecrets('X-Auth-Token: abc123def, X-Subject-Token=zzz9')).toBe(
      'X-Auth-Token: [redacted], X-Subject-Token=[redacted]',
    );
    expect(scrubSecrets('Authorization: Bearer-xyz')).toBe('Authorization: [redacted]');
  });
});
