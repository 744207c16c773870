// The calls the renderer makes that dispatch.test.ts does not: start-up problems, import
// methods, import from a URL, deactivate / reactivate. Through `dispatch`, against the real
// Keystone + Glance (test/unit/shell/contract-callers.test.ts wants a test for every call).
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { settingsFilePath } from '../../../main/settings/settings-file';
import {
  passwordProfile,
  startTestMain,
  tempFolder,
  waitForTransfer,
  type TestMain,
} from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);

let main: TestMain;
let memberId: string;

beforeAll(async () => {
  main = await startTestMain();
  memberId = (await main.value('saveProfile', { profile: passwordProfile(bed, bed.member) })).id;
});

afterAll(async () => {
  await main?.close();
});

describe('start-up problems', () => {
  it('none for good settings; a damaged settings file is reported once repaired', async () => {
    expect(await main.value('getStartupProblems')).toEqual([]);

    const dataDir = tempFolder('damaged');
    await writeFile(settingsFilePath(dataDir), '{"profiles": [');
    const damaged = await startTestMain({ dataDir });
    try {
      const problems = await damaged.value('getStartupProblems');
      expect(problems).toMatchObject([
        {
          kind: 'settings',
          details: { reason: 'settings-reset', backupPath: expect.any(String), notJson: true },
        },
      ]);
    } finally {
      await damaged.close();
    }
  });
});

describe('import', () => {
  it('lists the import methods and the stores the cloud offers', async () => {
    expect(await main.value('getImportOptions', { profileId: memberId })).toEqual({
      methods: ['glance-direct', 'web-download', 'copy-image', 'glance-download'],
      regions: [bed.second.region],
      stores: [
        { id: 'local', isDefault: true, readOnly: false },
        { id: 'cold', isDefault: false, readOnly: false },
      ],
    });
  });

  it('imports an image from a URL as a transfer; refuses a URL that is not http(s)', async () => {
    const data = randomBytes(4096);
    const server = createServer((_request, response) => response.end(data));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const image = await main.value('createImage', {
      profileId: memberId,
      fields: { name: `${runId}-imported`, disk_format: 'raw', container_format: 'bare' },
    });
    try {
      const refused = await main.call('startImport', {
        profileId: memberId,
        imageId: image.id,
        source: { method: 'web-download', url: 'file:///etc/passwd' },
      });
      expect(refused).toMatchObject({ ok: false, error: { kind: 'validation' } });

      const started = await main.value('startImport', {
        profileId: memberId,
        imageId: image.id,
        source: { method: 'web-download', url: `http://127.0.0.1:${port}/disk.raw` },
      });
      expect(await waitForTransfer(main, started.id)).toMatchObject({
        kind: 'import',
        state: 'done',
        imageId: image.id,
        bytesDone: data.length,
      });
      const imported = await main.value('getImage', { profileId: memberId, imageId: image.id });
      expect(imported.size).toBe(data.length);
    } finally {
      server.close();
      await main.value('deleteImages', { profileId: memberId, imageIds: [image.id] });
    }
  });
});

describe('deactivate and reactivate', () => {
  it('an admin can; a member is refused', async () => {
    const adminId = (
      await main.value('saveProfile', {
        profile: passwordProfile(bed, bed.admin, { name: `${runId} admin` }),
      })
    ).id;
    const file = join(tempFolder('active'), 'disk.raw');
    await writeFile(file, randomBytes(4096));
    await main.pick('image', file);
    const upload = await main.value('startUpload', {
      profileId: adminId,
      path: file,
      create: {
        name: `${runId}-deactivated`,
        disk_format: 'raw',
        container_format: 'bare',
        visibility: 'public',
      },
    });
    const uploaded = await waitForTransfer(main, upload.id);
    expect(uploaded.state).toBe('done');
    const imageId = uploaded.imageId;
    const status = async () =>
      (await main.value('getImage', { profileId: adminId, imageId })).status;
    try {
      const refused = await main.call('setImageActive', {
        profileId: memberId,
        imageId,
        active: false,
      });
      expect(refused).toMatchObject({ ok: false, error: { kind: 'forbidden' } });

      await main.value('setImageActive', { profileId: adminId, imageId, active: false });
      expect(await status()).toBe('deactivated');
      await main.value('setImageActive', { profileId: adminId, imageId, active: true });
      expect(await status()).toBe('active');
    } finally {
      await main.value('deleteImages', { profileId: adminId, imageIds: [imageId] });
    }
  });
});
