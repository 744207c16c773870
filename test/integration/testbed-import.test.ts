// The test bed's Glance stores and imports as promised: two file stores, glance-direct,
// copy-image, web-download (only from loopback) and glance-download from the second Glance
// (RegionTwo), checked with plain fetch.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { glanceAs } from '../testbed/rest';

const bed = inject('testbed');
const member = glanceAs(bed, bed.member);
const admin = glanceAs(bed, bed.admin);
const run = randomUUID().slice(0, 8);

interface Image {
  id: string;
  status: string;
  size: number | null;
  checksum: string | null;
  stores?: string;
  os_glance_failed_import?: string;
}

async function createImage(name: string): Promise<Image> {
  const created = await member('POST', '/v2/images', {
    name: `testbed-import-${run}-${name}`,
    disk_format: 'raw',
    container_format: 'bare',
  });
  expect(created.status).toBe(201);
  return created.json<Image>();
}

async function image(id: string): Promise<Image> {
  return (await member('GET', `/v2/images/${id}`)).json<Image>();
}

describe('test bed: stores and interoperable import', () => {
  it('lists two file stores, local the default; their details only to the admin', async () => {
    const stores = await member('GET', '/v2/info/stores');
    expect(stores.status).toBe(200);
    expect(stores.json()).toEqual({ stores: [{ id: 'local', default: 'true' }, { id: 'cold' }] });

    expect((await member('GET', '/v2/info/stores/detail')).status).toBe(403);
    const detail = await admin('GET', '/v2/info/stores/detail');
    expect(detail.status).toBe(200);
    const { stores: detailed } = detail.json<{
      stores: { id: string; type: string; properties: { data_dir: string } }[];
    }>();
    expect(detailed.map(({ id, type, properties }) => [id, type, properties.data_dir])).toEqual([
      ['local', 'file', bed.glanceStoreDir],
      ['cold', 'file', bed.glanceColdStoreDir],
    ]);
  });

  it("advertises Debian's default import methods and glance-download; RegionTwo only the defaults", async () => {
    const methods = async (call: typeof member) =>
      (await call('GET', '/v2/info/import')).json<{ 'import-methods': { value: string[] } }>()[
        'import-methods'
      ].value;
    expect(await methods(member)).toEqual([
      'glance-direct',
      'web-download',
      'copy-image',
      'glance-download',
    ]);
    expect(await methods(glanceAs(bed, bed.member, bed.second.glanceUrl))).toEqual([
      'glance-direct',
      'web-download',
      'copy-image',
    ]);
  });

  it('imports by glance-download an image of RegionTwo, found in the token’s catalog', async () => {
    const second = glanceAs(bed, bed.member, bed.second.glanceUrl);
    const data = Buffer.alloc(20_000, 'glance-download test data\n');
    const source = (
      await second('POST', '/v2/images', {
        name: `testbed-import-${run}-source`,
        disk_format: 'raw',
        container_format: 'bare',
      })
    ).json<Image>();
    expect((await second('PUT', `/v2/images/${source.id}/file`, data)).status).toBe(204);

    const { id } = await createImage('glance-download');
    const imported = await member('POST', `/v2/images/${id}/import`, {
      method: {
        name: 'glance-download',
        glance_region: bed.second.region,
        glance_image_id: source.id,
      },
    });
    expect(imported.status).toBe(202);
    await expect
      .poll(async () => (await image(id)).status, { timeout: 60_000, interval: 250 })
      .toBe('active');
    expect(await image(id)).toMatchObject({
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      stores: 'local',
    });
    expect((await member('DELETE', `/v2/images/${id}`)).status).toBe(204);
    expect((await second('DELETE', `/v2/images/${source.id}`)).status).toBe(204);
  });

  it('imports by glance-direct: staged data, then an import task, then active', async () => {
    const data = Buffer.alloc(10_000, 'glance-direct test data\n');
    const { id } = await createImage('glance-direct');
    expect((await member('PUT', `/v2/images/${id}/stage`, data)).status).toBe(204);
    expect((await image(id)).status).toBe('uploading');

    const imported = await member('POST', `/v2/images/${id}/import`, {
      method: { name: 'glance-direct' },
    });
    expect(imported.status).toBe(202);
    await expect
      .poll(async () => (await image(id)).status, { timeout: 60_000, interval: 250 })
      .toBe('active');
    expect(await image(id)).toMatchObject({
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      stores: 'local',
    });
    // The image turns active before the task records its own end: wait for the task too.
    const tasks = async () =>
      (await member('GET', `/v2/images/${id}/tasks`)).json<{
        tasks: { type: string; status: string }[];
      }>().tasks;
    await expect
      .poll(tasks, { timeout: 60_000, interval: 250 })
      .toEqual([expect.objectContaining({ type: 'api_image_import', status: 'success' })]);
    expect((await member('DELETE', `/v2/images/${id}`)).status).toBe(204);
  });

  it('copies an image into the cold store (copy-image, admin only)', async () => {
    const { id } = await createImage('copy-image');
    expect((await member('PUT', `/v2/images/${id}/file`, Buffer.from('copy me'))).status).toBe(204);
    expect((await image(id)).stores).toBe('local');
    const copy = { method: { name: 'copy-image' }, stores: ['cold'] };

    // Glance's default policy: copy-image is for admins, even on the owner's image.
    expect((await member('POST', `/v2/images/${id}/import`, copy)).status).toBe(403);
    expect((await admin('POST', `/v2/images/${id}/import`, copy)).status).toBe(202);
    await expect
      .poll(async () => (await image(id)).stores, { timeout: 60_000, interval: 250 })
      .toBe('local,cold');
    expect(existsSync(join(bed.glanceColdStoreDir, id))).toBe(true);
    expect((await member('DELETE', `/v2/images/${id}`)).status).toBe(204);
  });

  it('imports by web-download from a server on 127.0.0.1, any port', async () => {
    const data = Buffer.alloc(5000, 'web-download test data\n');
    const server = createServer((_request, response) => response.end(data));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { id } = await createImage('web-download');
      const imported = await member('POST', `/v2/images/${id}/import`, {
        method: { name: 'web-download', uri: `http://127.0.0.1:${port}/disk.raw` },
      });
      expect(imported.status).toBe(202);
      await expect
        .poll(async () => (await image(id)).status, { timeout: 60_000, interval: 250 })
        .toBe('active');
      expect(await image(id)).toMatchObject({
        size: data.length,
        checksum: createHash('md5').update(data).digest('hex'),
      });
      expect((await member('DELETE', `/v2/images/${id}`)).status).toBe(204);
    } finally {
      server.close();
    }
  });

  it('fails a web-download whose URL answers 404: queued again, the store named', async () => {
    const server = createServer((_request, response) => {
      response.statusCode = 404;
      response.end('not here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { id } = await createImage('web-download-404');
      const imported = await member('POST', `/v2/images/${id}/import`, {
        method: { name: 'web-download', uri: `http://127.0.0.1:${port}/missing.raw` },
      });
      expect(imported.status).toBe(202);
      const failure = async () => {
        const { status, os_glance_failed_import } = await image(id);
        return { status, os_glance_failed_import };
      };
      await expect
        .poll(failure, { timeout: 60_000, interval: 250 })
        .toEqual({ status: 'queued', os_glance_failed_import: 'local' });
      const { tasks } = (await member('GET', `/v2/images/${id}/tasks`)).json<{
        tasks: { status: string; message: string }[];
      }>();
      expect(tasks.map((task) => task.status)).toEqual(['failure']);
      expect(tasks[0]?.message).toBeTruthy();
      expect((await member('DELETE', `/v2/images/${id}`)).status).toBe(204);
    } finally {
      server.close();
    }
  });

  it('refuses web-download from a host other than loopback, naming the URI', async () => {
    const { id } = await createImage('web-download-filtered');
    for (const uri of ['http://192.0.2.1/disk.raw', 'http://localhost:8080/disk.raw']) {
      const refused = await member('POST', `/v2/images/${id}/import`, {
        method: { name: 'web-download', uri },
      });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain(`URI for web-download does not pass filtering: ${uri}`);
    }
    expect((await image(id)).status).toBe('queued');
    expect((await member('DELETE', `/v2/images/${id}`)).status).toBe(204);
  });
});
