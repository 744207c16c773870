import { describe, expect, test } from 'vitest';
import type { Image } from '../../../common/image';
import { imageCells } from '../../../renderer/src/lib/cells';

const image = (changes: Partial<Image> = {}): Image => ({
  id: '7b2c5a4e-0000-4000-8000-000000000001',
  name: 'ubuntu',
  status: 'active',
  visibility: 'private',
  protected: false,
  os_hidden: false,
  tags: ['prod', 'gpu'],
  disk_format: 'qcow2',
  container_format: 'bare',
  size: 1.5 * 1024 ** 3,
  virtual_size: null,
  min_disk: 20,
  min_ram: 2048,
  owner: '0123abcd',
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  created_at: '2026-11-28T12:00:00Z',
  updated_at: '2026-11-28T12:00:00Z',
  properties: {},
  ...changes,
});

describe('imageCells', () => {
  test('the texts of a row, formatted for the locale', () => {
    const cells = imageCells(image(), 'en');
    expect(cells).toMatchObject({
      tone: 'ok',
      format: 'qcow2 / bare',
      size: '1.5 GB',
      min: '20 GB / 2,048 MB',
      owner: '0123abcd',
      tags: 'prod, gpu',
    });
    expect(cells.updated).toMatch(/^Nov 28, 2026, /);
    expect(imageCells(image(), 'zh-CN').updated).toMatch(/^2026年11月28日 /);
  });

  test('status and visibility in the locale’s words; a size of 0 is 0, not unknown', () => {
    const zh = imageCells(image({ status: 'queued', visibility: 'public', size: 0 }), 'zh-CN');
    expect(zh.status).not.toBe('queued');
    expect(zh.visibility).not.toBe('public');
    expect(zh.size).not.toBe('—');
    expect(zh.min).toBe('20 GB / 2,048 MB');
    expect(imageCells(image({ status: 'frozen' }), 'zh-CN').status).toBe('frozen');
  });

  test('the stores holding the data, from the image’s `stores`', () => {
    expect(imageCells(image({ stores: 'local,cold' }), 'en').stores).toBe('local, cold');
    expect(imageCells(image(), 'en').stores).toBe('—');
  });

  test('the status tone: ok, in progress, bad', () => {
    expect(imageCells(image({ status: 'queued' }), 'en').tone).toBe('warn');
    expect(imageCells(image({ status: 'importing' }), 'en').tone).toBe('warn');
    expect(imageCells(image({ status: 'killed' }), 'en').tone).toBe('bad');
    expect(imageCells(image({ status: 'pending_delete' }), 'en').tone).toBe('bad');
  });

  test('a status we do not know, even one named like an object property, has no tone', () => {
    expect(imageCells(image({ status: 'frozen' }), 'en').tone).toBe('');
    expect(imageCells(image({ status: 'constructor' }), 'en').tone).toBe('');
  });

  test('missing values are dashes, not "null"', () => {
    const cells = imageCells(
      image({
        size: null,
        disk_format: null,
        container_format: null,
        owner: null,
        tags: [],
        updated_at: '',
      }),
      'en',
    );
    expect(cells).toMatchObject({ format: '— / —', size: '—', owner: '—', tags: '', updated: '—' });
    // Glance reports no size (null) for an image without data; 0 is an empty image's size.
    expect(imageCells(image({ size: 0 }), 'en').size).toBe('0 byte');
  });
});
