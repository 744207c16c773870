import { describe, expect, test } from 'vitest';
import type { Image } from '../../../common/image';
import type { MetadefNamespace } from '../../../common/metadefs';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import {
  imsGroup,
  keyGroups,
  keySuggestions,
  knownProperty,
  lacksOsVersion,
  rowsLackOsVersion,
  usesIms,
  valueProblem,
  type KnownProperty,
} from '../../../renderer/src/lib/property-hints';

const libvirt: MetadefNamespace = {
  namespace: 'OS::Compute::LibvirtImage',
  title: 'libvirt Driver Options for Images',
  properties: [
    {
      key: 'hw_firmware_type',
      title: 'Firmware Type',
      type: 'string',
      enum: ['bios', 'uefi'],
      description: 'Specifies whether the image should be booted with a legacy BIOS or with UEFI.',
    },
    { key: 'hw_disk_bus', title: 'Disk Bus', type: 'string', enum: ['scsi', 'virtio'] },
  ],
};
const topology: MetadefNamespace = {
  namespace: 'OS::Compute::VirtCPUTopology',
  title: 'Virtual CPU Topology',
  properties: [
    { key: 'hw_cpu_cores', title: 'vCPU Cores', type: 'integer', minimum: 1 },
    { key: 'hw_cpu_sockets', title: 'vCPU Sockets', type: 'integer', minimum: 1, maximum: 8 },
  ],
};

const image = (properties: Record<string, string>) => ({ properties }) as unknown as Image;

describe('the vocabulary', () => {
  test('IMS’s group comes first, on clouds that use IMS only', () => {
    expect(keyGroups([libvirt], false).map((group) => group.id)).toEqual([libvirt.namespace]);
    expect(keyGroups([libvirt], true).map((group) => group.id)).toEqual([
      'huawei-ims',
      libvirt.namespace,
    ]);
  });

  test('a cloud uses IMS when an image carries one of its own keys', () => {
    expect(usesIms([image({ hw_firmware_type: 'uefi' }), image({ os_distro: 'ubuntu' })])).toBe(
      false,
    );
    expect(usesIms([image({}), image({ __platform: 'CentOS' })])).toBe(true);
  });

  test('an IMS image needs a non-blank __os_version', () => {
    expect(lacksOsVersion({})).toBe(true);
    expect(lacksOsVersion({ __os_version: '  ' })).toBe(true);
    expect(lacksOsVersion({ __os_version: 'EulerOS 2.5' })).toBe(false);
    expect(rowsLackOsVersion([{ key: ' __os_version ', value: '' }])).toBe(true);
    expect(rowsLackOsVersion([{ key: ' __os_version ', value: 'EulerOS 2.5' }])).toBe(false);
  });

  test('every built-in IMS key is described in both languages', () => {
    for (const property of imsGroup.properties) {
      const key = property.descriptionKey;
      expect(key, property.key).toBeDefined();
      expect(en[key as keyof typeof en], property.key).toBeTruthy();
      expect(zhCN[key as keyof typeof zhCN], property.key).toMatch(/\p{Script=Han}/u);
    }
  });

  test('the first group’s definition of a key wins', () => {
    const groups = keyGroups([libvirt], true);
    expect(knownProperty(groups, 'hw_firmware_type')?.descriptionKey).toBe('ims.hw_firmware_type');
    expect(knownProperty(groups, 'hw_disk_bus')?.enum).toEqual(['scsi', 'virtio']);
    expect(knownProperty(groups, 'nothing')).toBeUndefined();
  });
});

describe('keySuggestions', () => {
  const groups = keyGroups([libvirt, topology], false);

  test('matches the key or its title, grouped by namespace', () => {
    expect(
      keySuggestions(groups, 'cpu').map((g) => [g.title, g.properties.map((p) => p.key)]),
    ).toEqual([['Virtual CPU Topology', ['hw_cpu_cores', 'hw_cpu_sockets']]]);
    expect(keySuggestions(groups, 'FIRMWARE')[0]?.properties.map((p) => p.key)).toEqual([
      'hw_firmware_type',
    ]);
  });

  test('leaves out the key already typed in full, and stops at the limit', () => {
    expect(keySuggestions(groups, 'hw_disk_bus')).toEqual([]);
    const some = keySuggestions(groups, 'hw_', 3);
    expect(some.flatMap((g) => g.properties).length).toBe(3);
  });
});

describe('valueProblem', () => {
  const sockets = topology.properties[1] as KnownProperty;
  const firmware = libvirt.properties[0] as KnownProperty;

  test('a choice must be one of the choices', () => {
    expect(valueProblem(firmware, 'uefi')).toBeUndefined();
    expect(valueProblem(firmware, 'UEFI')).toEqual({
      key: 'validation.oneOf',
      params: { values: 'bios, uefi' },
    });
  });

  test('numbers must read as numbers of their kind, within their range', () => {
    expect(valueProblem(sockets, '2')).toBeUndefined();
    expect(valueProblem(sockets, '2.5')).toEqual({ key: 'validation.integer' });
    expect(valueProblem(sockets, '')).toEqual({ key: 'validation.integer' });
    expect(valueProblem(sockets, '9')).toEqual({
      key: 'validation.range',
      params: { min: '1', max: '8' },
    });
    const cores = topology.properties[0] as KnownProperty;
    expect(valueProblem(cores, '0')).toEqual({ key: 'validation.atLeast', params: { min: '1' } });
    const ratio: KnownProperty = { key: 'r', title: 'r', type: 'number', maximum: 1 };
    expect(valueProblem(ratio, '0.5')).toBeUndefined();
    expect(valueProblem(ratio, '1.5')).toEqual({ key: 'validation.atMost', params: { max: '1' } });
  });

  test('booleans are true or false; strings keep to their length and pattern', () => {
    const flag: KnownProperty = { key: 'f', title: 'f', type: 'boolean' };
    expect(valueProblem(flag, 'true')).toBeUndefined();
    expect(valueProblem(flag, 'yes')?.key).toBe('validation.oneOf');
    const code: KnownProperty = {
      key: 'c',
      title: 'c',
      type: 'string',
      minLength: 2,
      maxLength: 4,
      pattern: '^[a-z]+$',
    };
    expect(valueProblem(code, 'abc')).toBeUndefined();
    expect(valueProblem(code, 'a')?.key).toBe('validation.minLength');
    expect(valueProblem(code, 'abcde')?.key).toBe('validation.maxLength');
    expect(valueProblem(code, 'ab1')?.key).toBe('validation.pattern');
    // A pattern this engine cannot read checks nothing rather than refusing everything.
    expect(valueProblem({ ...code, pattern: '(?<' }, 'abc')).toBeUndefined();
  });
});
