import { describe, expect, it } from 'vitest';
import type { Image } from '../../../common/image';
import { diffImage, pointer } from '../../../common/patch';

const base: Image = {
  id: 'i-1',
  name: 'before',
  status: 'active',
  visibility: 'private',
  protected: false,
  os_hidden: false,
  tags: ['a', 'b'],
  disk_format: 'qcow2',
  container_format: 'bare',
  size: 1024,
  virtual_size: null,
  min_disk: 0,
  min_ram: 0,
  owner: 'p',
  checksum: 'c',
  os_hash_algo: 'sha512',
  os_hash_value: 'h',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  properties: {
    __os_version: 'CentOS 7',
    'owner_specified.openstack.md5': '',
    'a/b~c': 'x',
    hw: 'virtio',
  },
};

function edited(change: (image: Image) => void): Image {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('pointer', () => {
  it('escapes ~ and / and leaves dots alone', () => {
    expect(pointer('owner_specified.openstack.md5')).toBe('/owner_specified.openstack.md5');
    expect(pointer('a/b~c')).toBe('/a~1b~0c');
    expect(pointer('~/')).toBe('/~0~1');
  });
});

describe('diffImage', () => {
  it('is empty when nothing changed', () => {
    expect(diffImage(base, structuredClone(base))).toEqual([]);
  });

  it('replaces changed core fields, null included', () => {
    const after = edited((i) => {
      i.name = null;
      i.min_ram = 512;
      i.protected = true;
    });
    expect(diffImage(base, after)).toEqual([
      { op: 'replace', path: '/name', value: null },
      { op: 'replace', path: '/protected', value: true },
      { op: 'replace', path: '/min_ram', value: 512 },
    ]);
  });

  it('replaces the tag list as one operation only when it differs', () => {
    expect(
      diffImage(
        base,
        edited((i) => (i.tags = ['a', 'b', 'c'])),
      ),
    ).toEqual([{ op: 'replace', path: '/tags', value: ['a', 'b', 'c'] }]);
  });

  it('adds, replaces and removes custom properties with escaped pointers', () => {
    const after = edited((i) => {
      i.properties['__platform'] = 'Ubuntu';
      i.properties['owner_specified.openstack.md5'] = 'abc';
      delete i.properties['a/b~c'];
    });
    expect(diffImage(base, after)).toEqual([
      { op: 'replace', path: '/owner_specified.openstack.md5', value: 'abc' },
      { op: 'add', path: '/__platform', value: 'Ubuntu' },
      { op: 'remove', path: '/a~1b~0c' },
    ]);
  });

  it('never touches read-only fields', () => {
    const after = edited((i) => {
      i.status = 'deactivated';
      i.size = 1;
      i.checksum = 'other';
      i.owner = 'q';
      i.updated_at = '2027-01-01T00:00:00Z';
      i.properties['status'] = 'killed';
    });
    expect(diffImage(base, after)).toEqual([]);
  });

  it('handles keys that look like Object.prototype members', () => {
    const after = edited((i) => (i.properties['constructor'] = 'x'));
    expect(diffImage(base, after)).toEqual([{ op: 'add', path: '/constructor', value: 'x' }]);
  });
});
