// The file check through `dispatch`, on files made by qemu-img: what a picked file is, a
// qcow2 with a backing file refused by main itself (for an upload and for a glance-direct
// import, before anything reaches the cloud), and a path the user did not pick refused.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { qemuImg } from '../images/qemu-view';
import { passwordProfile, startTestMain, tempFolder, type TestMain } from './harness';

const bed = inject('testbed');
const GiB = 1024 ** 3;

let main: TestMain;
let profileId: string;
let dir: string;

beforeAll(async () => {
  main = await startTestMain();
  profileId = (await main.value('saveProfile', { profile: passwordProfile(bed, bed.member) })).id;
  dir = tempFolder('file-check');
  qemuImg(['create', '-q', '-f', 'qcow2', 'base.qcow2', '2G'], dir);
  qemuImg(['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', 'child.qcow2'], dir);
  qemuImg(
    ['create', '-q', '-f', 'vmdk', '-o', 'subformat=streamOptimized', 'disk.vmdk', '1G'],
    dir,
  );
});

afterAll(async () => {
  await main?.close();
});

describe('inspectFile', () => {
  it('tells what a picked file is: format, virtual size, and what would be refused', async () => {
    const base = join(dir, 'base.qcow2');
    await main.pick('image', base);
    expect(await main.value('inspectFile', { path: base })).toMatchObject({
      status: 'image',
      image: { format: 'qcow2', version: 3, virtualSize: 2 * GiB, backingFile: null, refuse: [] },
    });

    const vmdk = join(dir, 'disk.vmdk');
    await main.pick('image', vmdk);
    expect(await main.value('inspectFile', { path: vmdk })).toMatchObject({
      status: 'image',
      image: { format: 'vmdk', createType: 'streamOptimized', virtualSize: GiB, refuse: [] },
    });

    const child = join(dir, 'child.qcow2');
    await main.pick('image', child);
    expect(await main.value('inspectFile', { path: child })).toMatchObject({
      status: 'image',
      image: {
        format: 'qcow2',
        backingFile: 'base.qcow2',
        backingFormat: 'qcow2',
        refuse: ['backing-file'],
      },
    });
  });

  it('refuses to send a qcow2 with a backing file, by upload or by import', async () => {
    const child = join(dir, 'child.qcow2');
    await main.pick('image', child);
    const refusal = {
      ok: false,
      error: {
        kind: 'validation',
        details: { reason: 'file-refused', path: child, refuse: ['backing-file'] },
      },
    };
    const create = {
      name: `refused-${randomUUID()}`,
      disk_format: 'qcow2',
      container_format: 'bare',
    };
    expect(await main.call('startUpload', { profileId, path: child, create })).toMatchObject(
      refusal,
    );
    expect(
      await main.call('startImport', {
        profileId,
        source: { method: 'glance-direct', path: child },
        create,
      }),
    ).toMatchObject(refusal);
    expect(main.services.transfers.list()).toEqual([]);
    // Nothing was created on the cloud.
    const page = await main.value('listImages', { profileId, query: { name: create.name } });
    expect(page.images).toEqual([]);
  });

  it('says a file is empty or damaged, and refuses a path the user did not pick', async () => {
    const empty = join(dir, 'empty.img');
    await writeFile(empty, '');
    await main.pick('image', empty);
    expect(await main.value('inspectFile', { path: empty })).toEqual({ status: 'empty' });

    const cut = join(dir, 'cut.qcow2');
    await writeFile(cut, Buffer.from('QFI\xfb\x00\x00\x00\x03', 'latin1'));
    await main.pick('image', cut);
    expect(await main.value('inspectFile', { path: cut })).toMatchObject({
      status: 'damaged',
      damaged: { format: 'qcow2', damage: 'truncated' },
    });

    expect(
      await main.call('inspectFile', { path: join(dir, 'base.qcow2.unpicked') }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', details: { reason: 'path-not-chosen' } },
    });
  });
});
