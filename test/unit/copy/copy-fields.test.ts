// What a copy carries over to another cloud, and what it lists as left out (common/copy.ts),
// and the transfer rules of a copy (common/transfer.ts).
import { describe, expect, it } from 'vitest';
import { copyFields, unfinishedCopyName } from '../../../common/copy';
import type { Image } from '../../../common/image';
import { actionOutcome, allowedActions, transferStates } from '../../../common/transfer';

function image(fields: Partial<Image> = {}): Image {
  return {
    id: 'a1',
    name: 'ubuntu',
    status: 'active',
    visibility: 'public',
    protected: true,
    os_hidden: false,
    tags: [],
    disk_format: 'qcow2',
    container_format: 'bare',
    size: 10,
    virtual_size: null,
    min_disk: 0,
    min_ram: 0,
    owner: 'project-a',
    checksum: 'c'.repeat(32),
    os_hash_algo: 'sha512',
    os_hash_value: 'f'.repeat(128),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-02T00:00:00Z',
    properties: {},
    ...fields,
  };
}

describe('copyFields', () => {
  it('carries the name, formats, minimums, tags and every text property; private, not protected', () => {
    const { create } = copyFields(
      image({
        name: '中文镜像',
        min_disk: 20,
        min_ram: 2048,
        tags: ['prod', '标签'],
        properties: {
          __os_version: 'Ubuntu 22.04 server 64bit',
          __os_type: 'Linux',
          __support_kvm: 'true',
          description: '描述',
          hw_disk_bus: 'virtio',
        },
      }),
    );
    expect(create).toEqual({
      name: '中文镜像',
      disk_format: 'qcow2',
      container_format: 'bare',
      min_disk: 20,
      min_ram: 2048,
      tags: ['prod', '标签'],
      visibility: 'private',
      protected: false,
      properties: {
        __os_version: 'Ubuntu 22.04 server 64bit',
        __os_type: 'Linux',
        __support_kvm: 'true',
        description: '描述',
        hw_disk_bus: 'virtio',
      },
    });
  });

  it('keeps a hidden image hidden, and leaves out a name or format the source lacks', () => {
    const { create } = copyFields(image({ name: null, disk_format: null, os_hidden: true }));
    expect(create).not.toHaveProperty('name');
    expect(create).not.toHaveProperty('disk_format');
    expect(create.os_hidden).toBe(true);
  });

  it('lists every field it leaves out, and why', () => {
    const long = 'x'.repeat(256);
    const { create, skipped } = copyFields(
      image({
        stores: 'local,cold',
        direct_url: 'file:///var/lib/glance/images/a1',
        locations: [{ url: 'file:///var/lib/glance/images/a1', metadata: {} }],
        properties: {
          'owner_specified.openstack.md5': 'abc',
          'owner_specified.openstack.sha256': 'def',
          os_glance_importing_to_stores: '',
          deleted: 'False',
          hw_cpu_cores: 4,
          nested: { a: 1 },
          [long]: 'key too long',
          too_long_value: long,
          kept: 'yes',
        },
      }),
    );
    expect(create.properties).toEqual({ kept: 'yes' });
    expect(skipped).toEqual([
      { key: 'id', why: 'computed' },
      { key: 'status', why: 'computed' },
      { key: 'size', why: 'computed' },
      { key: 'checksum', why: 'computed' },
      { key: 'os_hash_algo', why: 'computed' },
      { key: 'os_hash_value', why: 'computed' },
      { key: 'owner', why: 'computed' },
      { key: 'created_at', why: 'computed' },
      { key: 'updated_at', why: 'computed' },
      { key: 'stores', why: 'storage' },
      { key: 'locations', why: 'storage' },
      { key: 'direct_url', why: 'storage' },
      { key: 'owner_specified.openstack.md5', why: 'source-upload' },
      { key: 'owner_specified.openstack.sha256', why: 'source-upload' },
      { key: 'os_glance_importing_to_stores', why: 'glance-prefix' },
      { key: 'deleted', why: 'reserved' },
      { key: 'hw_cpu_cores', why: 'not-text' },
      { key: 'nested', why: 'not-text' },
      { key: long, why: 'too-long' },
      { key: 'too_long_value', why: 'too-long' },
    ]);
  });

  it('names a kept unfinished copy so that nobody takes it for one, within 255 characters', () => {
    expect(unfinishedCopyName('ubuntu')).toBe('ubuntu (unfinished copy)');
    expect(unfinishedCopyName('n'.repeat(255))).toHaveLength(255);
    expect(unfinishedCopyName('n'.repeat(255)).endsWith(' (unfinished copy)')).toBe(true);
  });
});

describe('the transfer rules of a copy', () => {
  it('pauses a running copy (its upload starts over) and cancels one being verified', () => {
    const offered = Object.fromEntries(
      transferStates.map((state) => [state, allowedActions({ kind: 'copy', state })]),
    );
    expect(offered).toMatchObject({
      queued: ['pause', 'cancel'],
      running: ['pause', 'cancel'],
      retrying: ['pause', 'cancel'],
      verifying: ['cancel'],
      paused: ['resume', 'cancel'],
      done: ['remove'],
      failed: ['retry', 'remove'],
      cancelled: ['retry', 'remove'],
    });
    // What a cancel leaves: the image on the target cloud goes (unless the user keeps it).
    expect(actionOutcome({ kind: 'copy', state: 'verifying' }, 'cancel')).toMatchObject({
      to: 'cancelled',
      leftovers: 'discard',
    });
    expect(actionOutcome({ kind: 'copy', state: 'failed' }, 'remove')).toMatchObject({
      leftovers: 'discard',
    });
  });
});
