/** Plain REST calls to the test bed's servers, for the tests that check what the bed offers. */
import { projectToken } from './index';
import type { TestbedInfo, TestbedUser } from './types';

export interface Answer {
  status: number;
  /** The body as text: JSON, or the small HTML page Glance sends with an error. */
  text: string;
  json<T>(): T;
}

export type GlanceCall = (
  method: string,
  path: string,
  body?: object | Uint8Array,
) => Promise<Answer>;

/**
 * Calls to the Glance at `glanceUrl` as `user`: an object is sent as JSON (json-patch for
 * PATCH), bytes as application/octet-stream. One token per returned function.
 */
export function glanceAs(
  bed: TestbedInfo,
  user: TestbedUser,
  glanceUrl = bed.glanceUrl,
): GlanceCall {
  let token: Promise<string> | undefined;
  return async (method, path, body) => {
    token ??= projectToken(bed.authUrl, user);
    const bytes = body instanceof Uint8Array;
    const contentType = bytes
      ? 'application/octet-stream'
      : method === 'PATCH'
        ? 'application/openstack-images-v2.1-json-patch'
        : 'application/json';
    const response = await fetch(`${glanceUrl}${path}`, {
      method,
      headers: { 'X-Auth-Token': await token, 'Content-Type': contentType },
      body: body === undefined ? undefined : bytes ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: <T>() => JSON.parse(text) as T };
  };
}
