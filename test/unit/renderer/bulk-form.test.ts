import { describe, expect, test } from 'vitest';
import type { BulkPlan } from '../../../common/bulk-edit';
import type { Image } from '../../../common/image';
import {
  bulkChange,
  emptyBulkForm,
  undoPatches,
  type BulkForm,
} from '../../../renderer/src/lib/bulk-form';
import { propertyField } from '../../../renderer/src/lib/image-form';

const form = (changes: Partial<BulkForm>): BulkForm => ({ ...emptyBulkForm(), ...changes });
const unknown = () => undefined;

describe('bulkChange', () => {
  test('blank fields change nothing, and a form with no change at all is refused', () => {
    expect(bulkChange(emptyBulkForm(), unknown)).toEqual({
      ok: false,
      problems: { change: { key: 'bulk.nothingToChange' } },
    });
  });

  test('every field that is filled in is part of the change', () => {
    const result = bulkChange(
      form({
        addTags: ' gpu, gpu ,',
        removeTags: 'old',
        properties: [
          { key: ' description ', value: 'Rebuilt' },
          { key: 'hw_firmware_type', value: 'uefi' },
        ],
        unset: 'seed_index, , tmp',
        visibility: 'shared',
        protected: 'no',
        hidden: 'yes',
        min_disk: 0,
        min_ram: 2048,
      }),
      unknown,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        addTags: ['gpu'],
        removeTags: ['old'],
        setProperties: { description: 'Rebuilt', hw_firmware_type: 'uefi' },
        unsetProperties: ['seed_index', 'tmp'],
        visibility: 'shared',
        protected: false,
        os_hidden: true,
        min_disk: 0,
        min_ram: 2048,
      },
    });
  });

  test('refuses what Glance would, and counts that are not whole numbers', () => {
    const result = bulkChange(
      form({
        properties: [{ key: 'os_glance_x', value: '1' }],
        unset: 'tier, deleted',
        min_disk: 1.5,
      }),
      unknown,
    );
    expect(result).toEqual({
      ok: false,
      problems: {
        [propertyField(0)]: {
          key: 'error.propertyRefused.glance-prefix',
          params: { key: 'os_glance_x' },
        },
        unset: { key: 'error.propertyRefused.reserved', params: { key: 'deleted' } },
        min_disk: { key: 'validation.count' },
      },
    });
  });
});

describe('undoPatches', () => {
  const before = {
    id: 'a',
    name: 'a',
    tags: ['x'],
    min_disk: 0,
    properties: {},
  } as unknown as Image;
  const plan: BulkPlan = {
    projectId: 'p',
    edits: [
      { image: before, ops: [{ op: 'replace', path: '/min_disk', value: 3 }] },
      { image: { ...before, id: 'b' }, ops: [{ op: 'replace', path: '/min_disk', value: 3 }] },
    ],
    failed: [],
  };

  test('undoes the images that changed, and leaves out those the cloud refused', () => {
    const undo = undoPatches(plan, [
      { imageId: 'a', ok: true, image: { ...before, min_disk: 3 } },
      { imageId: 'b', ok: false, error: { kind: 'forbidden', message: '' } },
    ]);
    expect(undo).toEqual([{ imageId: 'a', ops: [{ op: 'replace', path: '/min_disk', value: 0 }] }]);
  });
});
