import { isRecord } from '../../settings/upgrade';

/** openstacksdk's normalize_keys: `user-domain-name` is `user_domain_name`, at every level. */
export function normalizeKeys(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key.replaceAll('-', '_'),
      isRecord(value) ? normalizeKeys(value) : value,
    ]),
  );
}
