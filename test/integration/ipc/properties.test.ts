// Custom properties and metadata definitions through `dispatch`, against the real Glance:
// properties set at create, changed and removed by patch; keys Glance keeps for itself and
// over-long ones refused by main, with the reason, before anything is sent; the cloud's
// metadefs read from its API (prefixes applied, objects included), per cloud.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppErrorData } from '../../../common/errors';
import type { PatchOperation } from '../../../common/image';
import type { MetadefNamespace } from '../../../common/metadefs';
import { passwordProfile, startTestMain, type TestMain } from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);

let main: TestMain;
let member: string;
let admin: string;
let secondRegion: string;
const created: string[] = [];

beforeAll(async () => {
  main = await startTestMain({ log: () => undefined });
  const save = async (name: string, user = bed.member, region = bed.region) =>
    (
      await main.value('saveProfile', {
        profile: passwordProfile(bed, user, { name: `${name} ${runId}`, region }),
      })
    ).id;
  member = await save('member');
  admin = await save('admin', bed.admin);
  secondRegion = await save('second', bed.member, bed.second.region);
});

afterAll(async () => {
  if (created.length > 0) await main.call('deleteImages', { profileId: member, imageIds: created });
  await main?.close();
});

async function refusal(name: 'createImage' | 'updateImage', payload: unknown) {
  const result = await main.call(name, payload);
  expect(result.ok, `${name} should be refused`).toBe(false);
  return (result as { ok: false; error: AppErrorData }).error;
}

describe('custom properties', () => {
  let imageId: string;

  it('are set at create, next to the description', async () => {
    const image = await main.value('createImage', {
      profileId: member,
      fields: {
        name: `props-${runId}`,
        properties: {
          description: 'Nightly build',
          __os_version: 'CentOS 7.9 64bit',
          hw_firmware_type: 'uefi',
          構建者: '运维',
        },
      },
    });
    imageId = image.id;
    created.push(imageId);
    expect(image.properties).toMatchObject({
      description: 'Nightly build',
      __os_version: 'CentOS 7.9 64bit',
      hw_firmware_type: 'uefi',
      構建者: '运维',
    });
  });

  it('are changed and removed by patch', async () => {
    const ops: PatchOperation[] = [
      { op: 'replace', path: '/hw_firmware_type', value: 'bios' },
      { op: 'remove', path: '/構建者' },
      { op: 'add', path: '/hw_disk_bus', value: 'virtio' },
    ];
    const image = await main.value('updateImage', { profileId: member, imageId, ops });
    expect(image.properties.hw_firmware_type).toBe('bios');
    expect(image.properties.hw_disk_bus).toBe('virtio');
    expect(image.properties).not.toHaveProperty('構建者');
  });

  it('refuses at create the keys Glance keeps for itself, saying why, and creates nothing', async () => {
    const name = `refused-${runId}`;
    for (const [key, rule] of [
      ['os_glance_import_task', 'glance-prefix'],
      ['deleted', 'reserved'],
      ['checksum', 'read-only'],
    ] as const) {
      const error = await refusal('createImage', {
        profileId: member,
        fields: { name, properties: { [key]: 'x' } },
      });
      expect(error).toMatchObject({
        kind: 'validation',
        details: { reason: 'property-refused', key, rule },
      });
    }
    const { images } = await main.value('listImages', { profileId: member, query: { name } });
    expect(images).toEqual([]);
  });

  it('refuses in a patch what Glance would refuse, and leaves the image as it was', async () => {
    const before = await main.value('getImage', { profileId: member, imageId });
    const cases: [PatchOperation, object][] = [
      [
        { op: 'add', path: '/os_glance_x', value: 'y' },
        { reason: 'property-refused', key: 'os_glance_x', rule: 'glance-prefix' },
      ],
      [
        { op: 'add', path: '/location', value: 'file:///etc/passwd' },
        { reason: 'property-refused', key: 'location', rule: 'reserved' },
      ],
      [
        { op: 'replace', path: '/id', value: randomUUID() },
        { reason: 'property-refused', key: 'id', rule: 'read-only' },
      ],
      [
        { op: 'add', path: '/note', value: 'x'.repeat(256) },
        { reason: 'property-too-long', key: 'note', part: 'value', limit: 255 },
      ],
      [
        { op: 'add', path: `/${'k'.repeat(256)}`, value: 'x' },
        { reason: 'property-too-long', key: 'k'.repeat(256), part: 'key', limit: 255 },
      ],
    ];
    for (const [op, details] of cases) {
      // A good operation beside the bad one is not sent either.
      const ops = [{ op: 'replace', path: '/name', value: 'changed' }, op];
      const error = await refusal('updateImage', { profileId: member, imageId, ops });
      expect(error).toMatchObject({ kind: 'validation', details });
    }
    const after = await main.value('getImage', { profileId: member, imageId });
    expect(after).toEqual(before);
  });

  it('takes 255 characters, the limit, for a key and for a value', async () => {
    const key = `k${'x'.repeat(254)}`;
    const image = await main.value('updateImage', {
      profileId: member,
      imageId,
      ops: [{ op: 'add', path: `/${key}`, value: 'v'.repeat(255) }],
    });
    expect(image.properties[key]).toBe('v'.repeat(255));
  });
});

describe('metadata definitions', () => {
  let memberNamespaces: MetadefNamespace[];

  const byName = (namespaces: MetadefNamespace[], name: string) =>
    namespaces.find((namespace) => namespace.namespace === name);

  it('are read from the cloud, for images, with each resource type’s prefix applied', async () => {
    memberNamespaces = await main.value('getMetadefs', { profileId: member });
    expect(memberNamespaces.length).toBeGreaterThanOrEqual(15);
    const libvirt = byName(memberNamespaces, 'OS::Compute::LibvirtImage');
    expect(libvirt?.title).toBeTruthy();
    expect(libvirt?.properties.find((p) => p.key === 'hw_firmware_type')).toMatchObject({
      type: 'string',
      enum: ['bios', 'uefi'],
      description: expect.stringContaining('UEFI'),
    });
    // Defined as `cpu_policy` with the prefix `hw_` for OS::Glance::Image.
    const pinning = byName(memberNamespaces, 'OS::Compute::CPUPinning');
    expect(pinning?.properties.map((p) => p.key)).toContain('hw_cpu_policy');
    // Each property keeps its type.
    const topology = byName(memberNamespaces, 'OS::Compute::VirtCPUTopology');
    expect(topology?.properties.find((p) => p.key === 'hw_cpu_sockets')?.type).toBe('integer');
    const vmware = byName(memberNamespaces, 'OS::Compute::VMware');
    expect(vmware?.properties.find((p) => p.key === 'img_linked_clone')?.type).toBe('boolean');
    // An object's properties are offered too, titled by the object.
    const databases = byName(memberNamespaces, 'OS::Software::DBMS');
    expect(databases?.properties.find((p) => p.key === 'sw_database_mysql_version')?.title).toMatch(
      /^MySQL: /,
    );
  });

  it('are what each user may see: the admin sees the private ones too', async () => {
    const adminNamespaces = await main.value('getMetadefs', { profileId: admin });
    expect(adminNamespaces.length).toBeGreaterThan(memberNamespaces.length);
    expect(byName(adminNamespaces, 'OS::OperatingSystem')).toBeDefined();
    expect(byName(memberNamespaces, 'OS::OperatingSystem')).toBeUndefined();
  });

  it('are kept per cloud: the second region has none, and reading again gives the same', async () => {
    expect(await main.value('getMetadefs', { profileId: secondRegion })).toEqual([]);
    expect(await main.value('getMetadefs', { profileId: member, reload: true })).toEqual(
      memberNamespaces,
    );
  });
});
