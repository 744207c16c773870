import { describe, expect, test } from 'vitest';
import {
  bulkPatch,
  changedImage,
  groupPatches,
  inversePatch,
  type BulkChange,
} from '../../../common/bulk-edit';
import type { Image } from '../../../common/image';

const image = (id: string, changes: Partial<Image> = {}): Image => ({
  id,
  name: id,
  status: 'active',
  visibility: 'private',
  protected: false,
  os_hidden: false,
  tags: ['base', 'odd'],
  disk_format: 'qcow2',
  container_format: 'bare',
  size: 1,
  virtual_size: null,
  min_disk: 0,
  min_ram: 0,
  owner: 'p',
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  created_at: '',
  updated_at: '',
  properties: { seed_index: '1', __os_version: 'EulerOS 2.5' },
  ...changes,
});

describe('bulkPatch', () => {
  test('makes each asked change, as one minimal patch', () => {
    const change: BulkChange = {
      addTags: ['gpu', 'base'],
      removeTags: ['odd', 'absent'],
      setProperties: { tier: 'gold', __os_version: 'EulerOS 2.9' },
      unsetProperties: ['seed_index', 'absent'],
      visibility: 'shared',
      protected: true,
      os_hidden: true,
      min_disk: 10,
      min_ram: 512,
    };
    expect(bulkPatch(image('a'), change)).toEqual([
      { op: 'replace', path: '/visibility', value: 'shared' },
      { op: 'replace', path: '/protected', value: true },
      { op: 'replace', path: '/os_hidden', value: true },
      { op: 'replace', path: '/tags', value: ['base', 'gpu'] },
      { op: 'replace', path: '/min_disk', value: 10 },
      { op: 'replace', path: '/min_ram', value: 512 },
      { op: 'replace', path: '/__os_version', value: 'EulerOS 2.9' },
      { op: 'add', path: '/tier', value: 'gold' },
      { op: 'remove', path: '/seed_index' },
    ]);
  });

  test('an image that already is so gets no patch', () => {
    expect(bulkPatch(image('a'), { addTags: ['base'], removeTags: ['x'], min_disk: 0 })).toEqual(
      [],
    );
  });

  test('leaves the image it is given as it was', () => {
    const before = image('a');
    const copy = structuredClone(before);
    changedImage(before, { addTags: ['x'], unsetProperties: ['seed_index'] });
    expect(before).toEqual(copy);
  });
});

describe('groupPatches', () => {
  test('puts the same patches together, the largest group first', () => {
    const tag = [{ op: 'replace' as const, path: '/tags', value: ['t'] }];
    const other = [{ op: 'remove' as const, path: '/x' }];
    const groups = groupPatches([
      { imageId: 'a', ops: other },
      { imageId: 'b', ops: tag },
      { imageId: 'c', ops: tag },
    ]);
    expect(groups.map((group) => group.edits.map((edit) => edit.imageId))).toEqual([
      ['b', 'c'],
      ['a'],
    ]);
    expect(groups[0]?.ops).toEqual(tag);
  });
});

describe('inversePatch', () => {
  test('puts back what the patch touched, and only that', () => {
    const before = image('a');
    const change: BulkChange = { addTags: ['gpu'], unsetProperties: ['seed_index'], min_disk: 5 };
    const applied = bulkPatch(before, change);
    // Meanwhile someone renamed it and set another property: those stay.
    const after = { ...changedImage(before, change), name: 'renamed' };
    after.properties = { ...after.properties, other: 'x' };
    const undo = inversePatch(before, after, applied);
    expect(undo).toEqual([
      { op: 'replace', path: '/tags', value: ['base', 'odd'] },
      { op: 'replace', path: '/min_disk', value: 0 },
      { op: 'add', path: '/seed_index', value: '1' },
    ]);
    expect(bulkPatch(changedImage(after, {}), {})).toEqual([]);
  });
});
