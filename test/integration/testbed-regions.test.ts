// The test bed's second region: a second, independent Glance in the same Keystone.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { glanceAs } from '../testbed/rest';
import { uploadImage } from '../testbed/seed';

const bed = inject('testbed');
const run = randomUUID().slice(0, 8);
const regionOne = glanceAs(bed, bed.member);
const regionTwo = glanceAs(bed, bed.member, bed.second.glanceUrl);

interface CatalogEntry {
  type: string;
  endpoints: { interface: string; region_id: string; url: string }[];
}

describe('test bed: a second region', () => {
  it("lists both Glances in the token's catalog, each in its region", async () => {
    const response = await fetch(`${bed.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { id: bed.member.userId, password: bed.member.password } },
          },
          scope: { project: { id: bed.member.projectId } },
        },
      }),
    });
    const { token } = (await response.json()) as { token: { catalog: CatalogEntry[] } };
    const images = token.catalog.filter((entry) => entry.type === 'image');
    expect(images).toHaveLength(1);
    const endpoints = (images[0]?.endpoints ?? [])
      .map((e) => `${e.region_id} ${e.interface} ${e.url.replace(/\/$/, '')}`)
      .sort();
    expect(endpoints).toEqual(
      [
        ...['admin', 'internal', 'public'].map((i) => `${bed.region} ${i} ${bed.glanceUrl}`),
        ...['admin', 'internal', 'public'].map(
          (i) => `${bed.second.region} ${i} ${bed.second.glanceUrl}`,
        ),
      ].sort(),
    );
    expect(bed.second.region).not.toBe(bed.region);
  });

  it("accepts the same users' tokens, and has one store of its own", async () => {
    const stores = await regionTwo('GET', '/v2/info/stores');
    expect(stores.status).toBe(200);
    expect(stores.json()).toEqual({ stores: [{ id: 'local', default: 'true' }] });
    const admin = glanceAs(bed, bed.admin, bed.second.glanceUrl);
    expect((await admin('GET', '/v2/images?limit=1')).status).toBe(200);
  });

  it('keeps its images apart: one made in either region is absent from the other', async () => {
    const one = await uploadImage(bed, bed.member, {
      name: `testbed-region-one-${run}`,
      bytes: Buffer.from('region one'),
    });
    // The seed helpers work on the second Glance through `{ ...bed, ...bed.second }`.
    const two = await uploadImage({ ...bed, ...bed.second }, bed.member, {
      name: `testbed-region-two-${run}`,
      bytes: Buffer.from('region two'),
    });
    expect(two.status).toBe('active');

    expect((await regionOne('GET', `/v2/images/${one.id}`)).status).toBe(200);
    expect((await regionTwo('GET', `/v2/images/${one.id}`)).status).toBe(404);
    expect((await regionTwo('GET', `/v2/images/${two.id}`)).status).toBe(200);
    expect((await regionOne('GET', `/v2/images/${two.id}`)).status).toBe(404);
    const named = async (call: typeof regionOne, name: string) =>
      (await call('GET', `/v2/images?name=${name}`)).json<{ images: unknown[] }>().images.length;
    expect(await named(regionTwo, one.name)).toBe(0);
    expect(await named(regionOne, two.name)).toBe(0);

    expect((await regionOne('DELETE', `/v2/images/${one.id}`)).status).toBe(204);
    expect((await regionTwo('DELETE', `/v2/images/${two.id}`)).status).toBe(204);
  });

  it('refuses a request without a token, like the first', async () => {
    expect((await fetch(`${bed.second.glanceUrl}/v2/images`)).status).toBe(401);
  });
});
