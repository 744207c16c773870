// Sessions and clients for the test bed's users, closed after each file.
import { afterAll } from 'vitest';
import type { ConnectionConfig } from '../../common/connection';
import { GlanceClient } from '../../main/openstack/glance';
import { OpenStackSession, type SessionOptions } from '../../main/openstack/keystone';
import type { TestbedInfo, TestbedUser } from '../testbed/types';

const opened: OpenStackSession[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** Password auth for a test-bed user, by name and domain, public interface. */
export function passwordConfig(
  bed: TestbedInfo,
  user: TestbedUser,
  overrides: Partial<ConnectionConfig> = {},
): ConnectionConfig {
  return {
    authUrl: bed.authUrl,
    region: bed.region,
    interface: 'public',
    auth: {
      method: 'password',
      user: { name: user.username, domainId: user.domainId },
      password: user.password,
      project: { name: user.projectName, domainId: user.domainId },
    },
    ...overrides,
  };
}

/** A session that is closed when the test file ends. */
export function openSession(config: ConnectionConfig, options?: SessionOptions): OpenStackSession {
  const session = new OpenStackSession(config, options);
  opened.push(session);
  return session;
}

export function glanceFor(
  bed: TestbedInfo,
  user: TestbedUser,
): { session: OpenStackSession; glance: GlanceClient } {
  const session = openSession(passwordConfig(bed, user));
  return { session, glance: new GlanceClient(session) };
}
