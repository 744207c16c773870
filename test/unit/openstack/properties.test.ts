import { describe, expect, test } from 'vitest';
import { keyRule, patchProblem, propertyProblem } from '../../../common/properties';

describe('keyRule', () => {
  test.each([
    ['id', 'read-only'],
    ['checksum', 'read-only'],
    ['os_hash_value', 'read-only'],
    ['name', 'core-field'],
    ['visibility', 'core-field'],
    ['location', 'reserved'],
    ['deleted', 'reserved'],
    ['deleted_at', 'reserved'],
    ['os_glance_import_task', 'glance-prefix'],
    ['os_glanceish', 'glance-prefix'],
  ])('%s: %s', (key, rule) => {
    expect(keyRule(key)).toBe(rule);
  });

  test.each(['__os_version', 'hw_firmware_type', 'os_distro', 'description', 'Name'])(
    '%s is a custom property',
    (key) => {
      expect(keyRule(key)).toBeUndefined();
    },
  );
});

describe('propertyProblem', () => {
  test('keys and values up to 255 characters', () => {
    expect(propertyProblem('k'.repeat(255), 'v'.repeat(255))).toBeUndefined();
    expect(propertyProblem('k'.repeat(256), 'v')).toEqual({
      reason: 'property-too-long',
      key: 'k'.repeat(256),
      part: 'key',
      limit: 255,
    });
    expect(propertyProblem('note', '値'.repeat(256))).toMatchObject({ part: 'value' });
  });
});

describe('patchProblem', () => {
  test('the image’s own fields may be patched, custom properties within the rules', () => {
    expect(
      patchProblem([
        { op: 'replace', path: '/name', value: 'n' },
        { op: 'replace', path: '/tags', value: ['a'] },
        { op: 'add', path: '/hw_disk_bus', value: 'virtio' },
        { op: 'remove', path: '/old' },
      ]),
    ).toBeUndefined();
  });

  test('names the first operation Glance would refuse', () => {
    expect(patchProblem([{ op: 'remove', path: '/os_glance_failed_import' }])).toEqual({
      reason: 'property-refused',
      key: 'os_glance_failed_import',
      rule: 'glance-prefix',
    });
    expect(patchProblem([{ op: 'replace', path: '/status', value: 'active' }])).toMatchObject({
      rule: 'read-only',
    });
    expect(patchProblem([{ op: 'add', path: '/a~1b', value: 'x'.repeat(256) }])).toEqual({
      reason: 'property-too-long',
      key: 'a/b',
      part: 'value',
      limit: 255,
    });
  });
});
