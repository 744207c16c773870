// Direct Keystone v3 calls a test needs to arrange things: tokens, revocation, regions,
// endpoints, application credentials. Plain fetch, so the code under test is not used to test itself.
import type { TestbedInfo, TestbedUser } from '../testbed/types';

export async function issueToken(bed: TestbedInfo, user: TestbedUser): Promise<string> {
  const response = await fetch(`${bed.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { id: user.userId, password: user.password } },
        },
        scope: { project: { id: user.projectId } },
      },
    }),
  });
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || token === null) {
    throw new Error(`Keystone answered ${response.status} to the sign-in`);
  }
  return token;
}

/** Calls Keystone as `token`; returns the parsed JSON answer (or null for 204). */
export async function keystone(
  bed: TestbedInfo,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await fetch(`${bed.authUrl}${path}`, {
    method,
    headers: { 'x-auth-token': token, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 400) {
    throw new Error(`Keystone answered ${response.status} to ${method} ${path}`);
  }
  return response.status === 204 ? null : response.json();
}

/** Revokes a token, as its own holder may. */
export async function revokeToken(bed: TestbedInfo, token: string): Promise<void> {
  await keystone(bed, token, 'DELETE', '/auth/tokens', undefined, { 'x-subject-token': token });
}
