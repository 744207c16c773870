// The test bed's Glance serves Glance's own metadata definitions (Debian's glance-common),
// as a real cloud does; the second region's Glance has none.
import { describe, expect, inject, it } from 'vitest';
import { glanceAs } from '../testbed/rest';

const bed = inject('testbed');
const member = glanceAs(bed, bed.member);
const admin = glanceAs(bed, bed.admin);

interface Namespace {
  namespace: string;
  visibility: string;
}

async function namespaces(call: typeof member, query = ''): Promise<Namespace[]> {
  const answer = await call('GET', `/v2/metadefs/namespaces?limit=1000${query}`);
  expect(answer.status).toBe(200);
  return answer.json<{ namespaces: Namespace[] }>().namespaces;
}

describe('test bed: metadata definitions', () => {
  it("loads all of glance-common's namespaces; the member sees the public ones", async () => {
    const all = await namespaces(admin);
    expect(all.length).toBeGreaterThanOrEqual(30);
    const publicOnes = all.filter((n) => n.visibility === 'public');
    // Files without a visibility load as private (OS::OperatingSystem,
    // OS::Glance::CommonImageProperties): hidden from other projects, as on a real cloud.
    expect(publicOnes.length).toBeLessThan(all.length);
    expect((await namespaces(member)).map((n) => n.namespace).sort()).toEqual(
      publicOnes.map((n) => n.namespace).sort(),
    );
  });

  it('offers namespaces for images (resource type OS::Glance::Image)', async () => {
    const forImages = (await namespaces(member, '&resource_types=OS::Glance::Image')).map(
      (n) => n.namespace,
    );
    expect(forImages.length).toBeGreaterThanOrEqual(20);
    expect(forImages).toEqual(
      expect.arrayContaining(['OS::Compute::LibvirtImage', 'OS::Glance::Signatures']),
    );
    const admins = await namespaces(admin, '&resource_types=OS::Glance::Image');
    expect(admins.map((n) => n.namespace)).toContain('OS::OperatingSystem');
  });

  it("describes a namespace's properties with type, enum and description", async () => {
    const answer = await member(
      'GET',
      '/v2/metadefs/namespaces/OS::Compute::LibvirtImage/properties',
    );
    expect(answer.status).toBe(200);
    const { properties } = answer.json<{
      properties: Record<string, { type: string; enum?: string[]; description: string }>;
    }>();
    expect(properties.hw_firmware_type).toMatchObject({ type: 'string', enum: ['bios', 'uefi'] });
    expect(properties.hw_firmware_type?.description).toBeTruthy();
  });

  it('answers 404 for a namespace it does not have', async () => {
    expect((await member('GET', '/v2/metadefs/namespaces/OS::No::Such')).status).toBe(404);
  });

  it("has none in the second region's Glance", async () => {
    const second = glanceAs(bed, bed.member, bed.second.glanceUrl);
    expect(await namespaces(second)).toEqual([]);
  });
});
