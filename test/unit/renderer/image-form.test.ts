import { describe, expect, test } from 'vitest';
import type { Image } from '../../../common/image';
import {
  countUnits,
  editForm,
  editPatch,
  editedImage,
  emptyCreateForm,
  isCount,
  newImageFields,
  parseTags,
  propertyField,
  suggestedByFile,
  type CreateForm,
  type EditForm,
  type Problems,
} from '../../../renderer/src/lib/image-form';
import type { KnownProperty } from '../../../renderer/src/lib/property-hints';

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
  size: 1024,
  virtual_size: null,
  min_disk: 20,
  min_ram: 2048,
  owner: '0123abcd',
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  created_at: '2026-11-28T12:00:00Z',
  updated_at: '2026-11-28T12:00:00Z',
  properties: {
    description: 'Base image',
    os_distro: 'ubuntu',
    hw_cpu_cores: 4,
    owner_specified: { by: 'ops' },
  },
  ...changes,
});

const edited = (changes: Partial<EditForm>, before = image()): EditForm => ({
  ...editForm(before),
  ...changes,
});

/** The patch of a valid form, or the test fails with the problems. */
function patchOf(form: EditForm, before = image()) {
  const result = editPatch(before, form);
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.value;
}

function problemsOf(result: { ok: true } | { ok: false; problems: Problems }): Problems {
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('parseTags', () => {
  test('trimmed, blanks and repeats left out, order kept', () => {
    expect(parseTags(' gpu, ,prod ,gpu,, golden ')).toEqual(['gpu', 'prod', 'golden']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags(' , ,')).toEqual([]);
  });

  test('a tag with inner spaces or non-Latin letters stays one tag', () => {
    expect(parseTags('long term, 生产')).toEqual(['long term', '生产']);
  });
});

describe('isCount', () => {
  test('whole numbers from 0 up; a blank field (null), fractions, negatives and NaN are not', () => {
    expect([0, 1, 2048].every(isCount)).toBe(true);
    for (const bad of [null, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isCount(bad)).toBe(false);
    }
  });

  test('the units Glance counts in', () => {
    expect(countUnits).toEqual({ min_disk: 'gigabyte', min_ram: 'megabyte' });
  });
});

describe('editForm and editPatch', () => {
  test('the form shows the image: tags as text, description apart, properties sorted, JSON for non-strings', () => {
    const form = editForm(image());
    expect(form).toMatchObject({
      name: 'ubuntu',
      tags: 'prod, gpu',
      min_disk: 20,
      description: 'Base image',
    });
    expect(form.properties.map((row) => [row.key, row.value])).toEqual([
      ['hw_cpu_cores', '4'],
      ['os_distro', 'ubuntu'],
      ['owner_specified', '{"by":"ops"}'],
    ]);
    expect(editForm(image({ name: null, disk_format: null })).name).toBe('');
  });

  test('an untouched form sends nothing, and keeps non-string values as they are', () => {
    expect(patchOf(editForm(image()))).toEqual([]);
    // Unnamed stays unnamed rather than becoming "".
    const unnamed = image({ name: null });
    expect(patchOf(editForm(unnamed), unnamed)).toEqual([]);
  });

  test('every edited field becomes one operation of the patch', () => {
    const form = edited({
      name: 'ubuntu-24',
      visibility: 'shared',
      protected: true,
      os_hidden: true,
      tags: 'prod, golden, prod',
      min_disk: 30,
      min_ram: 4096,
      description: '',
    });
    form.properties.splice(1, 2, { key: 'os_distro', value: 'debian' });
    form.properties.push({ key: ' hw_disk_bus ', value: 'scsi' });
    expect(patchOf(form)).toEqual([
      { op: 'replace', path: '/name', value: 'ubuntu-24' },
      { op: 'replace', path: '/visibility', value: 'shared' },
      { op: 'replace', path: '/protected', value: true },
      { op: 'replace', path: '/os_hidden', value: true },
      { op: 'replace', path: '/tags', value: ['prod', 'golden'] },
      { op: 'replace', path: '/min_disk', value: 30 },
      { op: 'replace', path: '/min_ram', value: 4096 },
      { op: 'replace', path: '/os_distro', value: 'debian' },
      { op: 'add', path: '/hw_disk_bus', value: 'scsi' },
      { op: 'remove', path: '/description' },
      { op: 'remove', path: '/owner_specified' },
    ]);
  });

  test('an edited non-string value is sent as the text typed', () => {
    const form = edited({});
    form.properties.splice(0, 1, {
      key: 'hw_cpu_cores',
      value: '8',
      original: { key: 'hw_cpu_cores', text: '4', value: 4 },
    });
    expect(patchOf(form)).toEqual([{ op: 'replace', path: '/hw_cpu_cores', value: '8' }]);
  });

  test('blank formats keep what the image has; chosen ones are sent', () => {
    const queued = image({ status: 'queued', disk_format: null, container_format: null });
    expect(patchOf(edited({ disk_format: '', container_format: '' }, queued), queued)).toEqual([]);
    expect(patchOf(edited({ disk_format: 'raw' }, queued), queued)).toEqual([
      { op: 'replace', path: '/disk_format', value: 'raw' },
    ]);
  });

  test('keys named like object members are properties like any other', () => {
    const form = edited({});
    form.properties.push({ key: 'toString', value: 'a' }, { key: '__proto__', value: 'b' });
    expect(patchOf(form)).toEqual([
      { op: 'add', path: '/toString', value: 'a' },
      { op: 'add', path: '/__proto__', value: 'b' },
    ]);
  });

  test('an empty extra row is ignored', () => {
    const form = edited({});
    form.properties.push({ key: '  ', value: '' });
    expect(patchOf(form)).toEqual([]);
  });

  test('bad values are named, field by field, and nothing is built', () => {
    const form = edited({ min_disk: null, min_ram: -1 });
    form.properties.push(
      { key: '', value: 'orphan' },
      { key: 'os_distro', value: 'again' },
      { key: 'min_ram', value: '1' },
      { key: 'description', value: 'twice' },
    );
    expect(problemsOf(editedImage(image(), form))).toEqual({
      min_disk: { key: 'validation.count' },
      min_ram: { key: 'validation.count' },
      [propertyField(3)]: { key: 'validation.propertyKey' },
      [propertyField(4)]: { key: 'validation.propertyDuplicate', params: { key: 'os_distro' } },
      [propertyField(5)]: {
        key: 'error.propertyRefused.core-field',
        params: { key: 'min_ram' },
      },
      [propertyField(6)]: { key: 'validation.propertyReserved', params: { key: 'description' } },
    });
    expect(editPatch(image(), form).ok).toBe(false);
  });

  test('keys Glance keeps for itself are refused with the reason, and so are long ones', () => {
    const form = edited({});
    form.properties.push(
      { key: 'os_glance_import_task', value: 'x' },
      { key: 'deleted', value: 'x' },
      { key: 'checksum', value: 'x' },
      { key: 'k'.repeat(256), value: 'x' },
      { key: 'note', value: 'v'.repeat(256) },
      { key: 'fits', value: 'v'.repeat(255) },
    );
    const problems = problemsOf(editedImage(image(), form));
    expect(Object.values(problems).map((problem) => problem.key)).toEqual([
      'error.propertyRefused.glance-prefix',
      'error.propertyRefused.reserved',
      'error.propertyRefused.read-only',
      'error.propertyKeyTooLong',
      'error.propertyValueTooLong',
    ]);
    expect(problems[propertyField(7)]).toEqual({
      key: 'error.propertyValueTooLong',
      params: { key: 'note', limit: '255' },
    });
  });

  test('what the server sent is kept as it is, even where a new value would be refused', () => {
    const before = image({
      properties: { os_glance_import_task: 'task-1', long: 'x'.repeat(300), hw_disk_bus: 'odd' },
    });
    const known = (key: string) =>
      key === 'hw_disk_bus'
        ? { key, title: 'Disk bus', type: 'string' as const, enum: ['virtio', 'scsi'] }
        : undefined;
    expect(editPatch(before, edited({ name: 'renamed' }, before), known)).toEqual({
      ok: true,
      value: [{ op: 'replace', path: '/name', value: 'renamed' }],
    });
  });

  test('values are checked against what the cloud defines for their key', () => {
    const definitions: Record<string, KnownProperty> = {
      hw_disk_bus: {
        key: 'hw_disk_bus',
        title: 'Disk bus',
        type: 'string',
        enum: ['virtio', 'scsi'],
      },
      hw_cpu_cores: {
        key: 'hw_cpu_cores',
        title: 'Cores',
        type: 'integer',
        minimum: 1,
        maximum: 64,
      },
      hw_pmu: { key: 'hw_pmu', title: 'PMU', type: 'boolean' },
    };
    const known = (key: string) => definitions[key];
    const form = edited({});
    form.properties.push({ key: 'hw_disk_bus', value: 'floppy' }, { key: 'hw_pmu', value: 'yes' });
    const cores = form.properties.find((row) => row.key === 'hw_cpu_cores');
    if (cores) cores.value = '65';
    expect(problemsOf(editPatch(image(), form, known))).toEqual({
      [propertyField(0)]: { key: 'validation.range', params: { min: '1', max: '64' } },
      [propertyField(3)]: { key: 'validation.oneOf', params: { values: 'virtio, scsi' } },
      [propertyField(4)]: { key: 'validation.oneOf', params: { values: 'true, false' } },
    });
    if (cores) cores.value = '8';
    form.properties.splice(3, 2, { key: 'hw_disk_bus', value: 'virtio' });
    expect(patchOf(form)).toEqual([
      { op: 'replace', path: '/hw_cpu_cores', value: '8' },
      { op: 'add', path: '/hw_disk_bus', value: 'virtio' },
    ]);
  });

  test('the form is left as the user typed it', () => {
    const form = edited({ min_ram: 1.5, tags: ' a ,a' });
    const before = structuredClone(form);
    editPatch(image(), form);
    expect(form).toEqual(before);
  });
});

describe('newImageFields', () => {
  const form = (changes: Partial<CreateForm> = {}): CreateForm => ({
    ...emptyCreateForm(),
    name: ' ubuntu ',
    disk_format: 'qcow2',
    ...changes,
  });
  const file = { kind: 'file', path: '/images/ubuntu.qcow2' } as const;

  test('the least a new image needs, with the defaults', () => {
    expect(newImageFields(form(), file)).toEqual({
      ok: true,
      value: {
        name: 'ubuntu',
        disk_format: 'qcow2',
        container_format: 'bare',
        visibility: 'private',
        min_disk: 0,
        min_ram: 0,
        protected: false,
      },
    });
  });

  test('tags, ID (lower case) and description only when given', () => {
    const result = newImageFields(
      form({
        tags: 'gpu, gpu, ',
        id: ' 0E4F9A2B-1C3D-4E5F-8A9B-0C1D2E3F4A5B ',
        description: '  Built nightly ',
        protected: true,
        min_ram: 512,
      }),
      { kind: 'url', url: ' https://example.org/ubuntu.img ' },
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        tags: ['gpu'],
        id: '0e4f9a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
        properties: { description: 'Built nightly' },
        protected: true,
        min_ram: 512,
      },
    });
  });

  test('custom properties go with the description, checked like the edit form’s', () => {
    const rows = [
      { key: ' __os_version ', value: 'CentOS 7.9 64bit' },
      { key: 'hw_firmware_type', value: 'uefi' },
    ];
    expect(newImageFields(form({ description: 'Nightly', properties: rows }), file)).toMatchObject({
      ok: true,
      value: {
        properties: {
          __os_version: 'CentOS 7.9 64bit',
          hw_firmware_type: 'uefi',
          description: 'Nightly',
        },
      },
    });
    const refused = [
      { key: 'os_glance_x', value: '1' },
      { key: 'description', value: 'twice' },
      { key: 'hw_firmware_type', value: 'efi' },
    ];
    const known = (key: string) =>
      key === 'hw_firmware_type'
        ? { key, title: 'Firmware', type: 'string' as const, enum: ['bios', 'uefi'] }
        : undefined;
    expect(problemsOf(newImageFields(form({ properties: refused }), file, known))).toEqual({
      [propertyField(0)]: {
        key: 'error.propertyRefused.glance-prefix',
        params: { key: 'os_glance_x' },
      },
      [propertyField(1)]: { key: 'validation.propertyReserved', params: { key: 'description' } },
      [propertyField(2)]: { key: 'validation.oneOf', params: { values: 'bios, uefi' } },
    });
  });

  test('every missing or bad value is named, and nothing is built', () => {
    const bad = form({ name: '  ', disk_format: '', container_format: '', min_disk: 1.5 });
    expect(
      problemsOf(newImageFields({ ...bad, min_ram: null, id: 'nope' }, { kind: 'file', path: '' })),
    ).toEqual({
      name: { key: 'validation.name' },
      disk_format: { key: 'validation.diskFormat' },
      container_format: { key: 'validation.containerFormat' },
      min_disk: { key: 'validation.count' },
      min_ram: { key: 'validation.count' },
      id: { key: 'validation.uuid' },
      file: { key: 'validation.file' },
    });
  });

  test('a URL must be a whole http(s) address', () => {
    for (const url of [
      '',
      'example.org/a.img',
      'ftp://example.org/a.img',
      'https://exa mple.org',
    ]) {
      expect(problemsOf(newImageFields(form(), { kind: 'url', url }))).toEqual({
        url: { key: 'validation.url' },
      });
    }
    expect(newImageFields(form(), { kind: 'url', url: 'http://10.0.0.1/a.img' }).ok).toBe(true);
  });

  test('an image of another region needs its ID, a UUID', () => {
    const region = (imageId: string) => ({ kind: 'region' as const, region: 'RegionTwo', imageId });
    for (const imageId of ['', 'ubuntu', '0e4f9a2b-1c3d-4e5f-8a9b']) {
      expect(problemsOf(newImageFields(form(), region(imageId)))).toEqual({
        sourceImageId: { key: 'validation.sourceImageId' },
      });
    }
    const id = ' 0E4F9A2B-1C3D-4E5F-8A9B-0C1D2E3F4A5B ';
    expect(newImageFields(form(), region(id)).ok).toBe(true);
  });
});

describe('suggestedByFile', () => {
  const formats = ['raw', 'qcow2', 'iso'];

  test('a blank name and disk format come from the file', () => {
    expect(suggestedByFile(emptyCreateForm(), '/data/Ubuntu-24.04.QCOW2', formats)).toEqual({
      name: 'Ubuntu-24.04',
      disk_format: 'qcow2',
    });
    expect(suggestedByFile(emptyCreateForm(), 'C:\\images\\win.iso', formats)).toEqual({
      name: 'win',
      disk_format: 'iso',
    });
  });

  test('what the user typed is kept; an extension the cloud does not offer is no format', () => {
    const typed = { ...emptyCreateForm(), name: 'mine', disk_format: 'raw' };
    expect(suggestedByFile(typed, '/data/disk.qcow2', formats)).toEqual({});
    expect(suggestedByFile(emptyCreateForm(), '/data/disk.img', formats)).toEqual({ name: 'disk' });
    expect(suggestedByFile(emptyCreateForm(), '/data.d/disk', formats)).toEqual({ name: 'disk' });
  });
});
