// The copy dialog's forms (renderer/src/lib/copy-form.ts): filled from main's preview,
// checked, and turned into the fields of the copy; the default for images already there.
import { describe, expect, it } from 'vitest';
import type { CopyPreview } from '../../../common/copy';
import {
  copyCreate,
  copyForm,
  defaultChoice,
  skippedByReason,
} from '../../../renderer/src/lib/copy-form';

const proposed = {
  name: '中文镜像',
  disk_format: 'qcow2',
  container_format: 'bare',
  min_disk: 10,
  min_ram: 512,
  tags: ['a', '标签'],
  visibility: 'private' as const,
  protected: false,
  os_hidden: true,
  properties: { description: '描述', __os_version: 'Ubuntu 22.04 server 64bit' },
};
const offered = { diskFormats: ['raw', 'qcow2'], containerFormats: ['bare'] };
const settings = { visibility: 'shared' as const, protected: true };

describe('the copy form', () => {
  it('shows what main proposes, the description in a field of its own', () => {
    expect(copyForm(proposed)).toEqual({
      name: '中文镜像',
      disk_format: 'qcow2',
      container_format: 'bare',
      min_disk: 10,
      min_ram: 512,
      tags: 'a, 标签',
      description: '描述',
      properties: [{ key: '__os_version', value: 'Ubuntu 22.04 server 64bit' }],
    });
  });

  it('gives back the same fields when nothing is changed, with the dialog’s settings', () => {
    const checked = copyCreate(proposed, copyForm(proposed), settings, offered);
    expect(checked).toEqual({
      ok: true,
      value: { ...proposed, visibility: 'shared', protected: true },
    });
  });

  it('takes the user’s edits', () => {
    const form = copyForm(proposed);
    form.name = ' renamed ';
    form.tags = 'b, b, c';
    form.description = '';
    form.properties.push({ key: 'hw_disk_bus', value: 'scsi' });
    const checked = copyCreate(proposed, form, settings, offered);
    expect(checked.ok && checked.value).toMatchObject({
      name: 'renamed',
      tags: ['b', 'c'],
      properties: { __os_version: 'Ubuntu 22.04 server 64bit', hw_disk_bus: 'scsi' },
    });
  });

  it('says what is wrong, field by field, and sends nothing then', () => {
    const form = copyForm(proposed);
    form.name = ' ';
    form.disk_format = 'vhdx';
    form.min_ram = -1;
    form.properties = [
      { key: '', value: 'orphan' },
      { key: 'os_glance_x', value: '1' },
      { key: 'dup', value: '1' },
      { key: 'dup', value: '2' },
      { key: 'description', value: 'twice' },
    ];
    const checked = copyCreate(proposed, form, settings, offered);
    expect(checked).toEqual({
      ok: false,
      problems: {
        name: { key: 'validation.name' },
        disk_format: { key: 'copy.formatNotOffered', params: { format: 'vhdx' } },
        min_ram: { key: 'validation.count' },
        'property-0': { key: 'validation.propertyKey' },
        'property-1': {
          key: 'error.propertyRefused.glance-prefix',
          params: { key: 'os_glance_x' },
        },
        'property-3': { key: 'validation.propertyDuplicate', params: { key: 'dup' } },
        'property-4': { key: 'validation.propertyReserved', params: { key: 'description' } },
      },
    });
  });

  it('takes any format when the target does not say which it offers', () => {
    const form = copyForm({ ...proposed, disk_format: 'zvhd2' });
    const none = { diskFormats: [], containerFormats: [] };
    expect(copyCreate(proposed, form, settings, none).ok).toBe(true);
  });
});

describe('images the target already holds', () => {
  const preview = (sameData: CopyPreview['sameData']): CopyPreview => ({
    imageId: 'a',
    name: 'a',
    size: 1,
    create: {},
    skipped: [],
    sameData,
  });
  const there = [{ id: 'b', name: 'b', status: 'active' }];

  it('are skipped by default in a bulk copy, copied when only one was asked for', () => {
    expect(defaultChoice(preview(there), 3)).toBe('skip');
    expect(defaultChoice(preview(there), 1)).toBe('copy');
    expect(defaultChoice(preview([]), 3)).toBe('copy');
  });

  it('lists what is left out grouped by why, in a fixed order', () => {
    expect(
      skippedByReason([
        { key: 'owner_specified.openstack.md5', why: 'source-upload' },
        { key: 'id', why: 'computed' },
        { key: 'stores', why: 'storage' },
        { key: 'size', why: 'computed' },
      ]),
    ).toEqual([
      ['computed', ['id', 'size']],
      ['storage', ['stores']],
      ['source-upload', ['owner_specified.openstack.md5']],
    ]);
  });
});
