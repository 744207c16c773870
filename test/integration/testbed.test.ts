// The test bed is what it says it is: plain fetch against the real Keystone and Glance.
import { describe, expect, inject, it } from 'vitest';
import type { TestbedUser } from '../testbed/types';

const bed = inject('testbed');

interface CatalogEntry {
  type: string;
  endpoints: { interface: string; region_id: string; url: string }[];
}

async function login(user: TestbedUser) {
  const response = await fetch(`${bed.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: user.username, domain: { id: user.domainId }, password: user.password },
          },
        },
        scope: { project: { name: user.projectName, domain: { id: user.domainId } } },
      },
    }),
  });
  const body = (await response.json()) as {
    token: { project: { id: string }; roles: { name: string }[]; catalog: CatalogEntry[] };
  };
  return {
    status: response.status,
    token: response.headers.get('x-subject-token') ?? '',
    body: body.token,
  };
}

async function glance(token: string, path: string, init: RequestInit = {}) {
  return fetch(`${bed.glanceUrl}${path}`, {
    ...init,
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', ...init.headers },
  });
}

describe('test bed', () => {
  it('gives admin and member project-scoped tokens with the roles it promises', async () => {
    const admin = await login(bed.admin);
    const member = await login(bed.member);
    expect(admin.status).toBe(201);
    expect(member.status).toBe(201);
    expect(admin.body.project.id).toBe(bed.admin.projectId);
    expect(member.body.project.id).toBe(bed.member.projectId);
    expect(admin.body.roles.map((r) => r.name)).toContain('admin');
    expect(member.body.roles.map((r) => r.name)).toContain('member');
    expect(member.body.roles.map((r) => r.name)).not.toContain('admin');
  });

  it('rejects a wrong password', async () => {
    const result = await login({ ...bed.member, password: `${bed.member.password}x` });
    expect(result.status).toBe(401);
  });

  it('lists the image service with public, internal and admin endpoints in the region', async () => {
    const { body } = await login(bed.member);
    const image = body.catalog.find((entry) => entry.type === 'image');
    expect(image).toBeDefined();
    const inRegion = (image?.endpoints ?? []).filter((e) => e.region_id === bed.region);
    expect(inRegion.map((e) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
    for (const endpoint of inRegion) expect(endpoint.url.replace(/\/$/, '')).toBe(bed.glanceUrl);
  });

  it('lets both users list images, and refuses a request without a token', async () => {
    for (const user of [bed.admin, bed.member]) {
      const { token } = await login(user);
      const response = await glance(token, '/v2/images?limit=5');
      expect(response.status).toBe(200);
      expect(Array.isArray(((await response.json()) as { images: unknown }).images)).toBe(true);
    }
    expect((await fetch(`${bed.glanceUrl}/v2/images`)).status).toBe(401);
  });

  it('keeps the member a non-admin: making an image public is forbidden, admin may', async () => {
    const member = await login(bed.member);
    const admin = await login(bed.admin);
    const created = await glance(member.token, '/v2/images', {
      method: 'POST',
      body: JSON.stringify({
        name: 'testbed-publicize',
        disk_format: 'raw',
        container_format: 'bare',
      }),
    });
    expect(created.status).toBe(201);
    const { id, owner } = (await created.json()) as { id: string; owner: string };
    expect(owner).toBe(bed.member.projectId);
    try {
      const publicize = (token: string) =>
        glance(token, `/v2/images/${id}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/openstack-images-v2.1-json-patch' },
          body: JSON.stringify([{ op: 'replace', path: '/visibility', value: 'public' }]),
        });
      expect((await publicize(member.token)).status).toBe(403);
      expect((await publicize(admin.token)).status).toBe(200);
    } finally {
      expect((await glance(admin.token, `/v2/images/${id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
    }
  });
});
