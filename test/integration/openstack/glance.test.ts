// GlanceClient against the real Glance, as the admin and as the member user.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Image, ImageListQuery } from '../../../common/image';
import { diffImage } from '../../../common/patch';
import { failure } from '../../support/app-error';
import { glanceFor } from '../../support/sessions';

const bed = inject('testbed');
const admin = glanceFor(bed, bed.admin);
const member = glanceFor(bed, bed.member);
const run = randomUUID().slice(0, 8);

const created: { client: typeof admin; id: string }[] = [];
afterAll(async () => {
  for (const { client, id } of created.reverse()) {
    await client.glance
      .updateImage(id, [{ op: 'replace', path: '/protected', value: false }])
      .catch(() => undefined);
    await client.glance.deleteImage(id).catch(() => undefined);
  }
});

async function newImage(client: typeof admin, name: string, extra = {}): Promise<Image> {
  const image = await client.glance.createImage({
    name: `${run}-${name}`,
    disk_format: 'raw',
    container_format: 'bare',
    ...extra,
  });
  created.push({ client, id: image.id });
  return image;
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));

describe.each([
  ['admin', admin],
  ['member', member],
])('as the %s user', (who, client) => {
  const { glance } = client;
  const user = who === 'admin' ? bed.admin : bed.member;

  it('creates an image with every seed field and custom properties, then reads it back', async () => {
    const id = randomUUID();
    const image = await newImage(client, '镜像-create', {
      id,
      min_disk: 1,
      min_ram: 64,
      protected: false,
      tags: ['seed', '标签'],
      visibility: 'private',
      properties: { __os_version: 'CentOS 7.6 64bit', 'owner_specified.openstack.md5': '' },
    });
    expect(image).toMatchObject({
      id,
      name: `${run}-镜像-create`,
      status: 'queued',
      size: null,
      checksum: null,
      min_disk: 1,
      min_ram: 64,
      owner: user.projectId,
      visibility: 'private',
    });
    expect([...image.tags].sort()).toEqual(['seed', '标签'].sort());
    expect(image.properties).toMatchObject({
      __os_version: 'CentOS 7.6 64bit',
      'owner_specified.openstack.md5': '',
    });
    // Glance keeps tags as a set: their order may differ from one answer to the next.
    const again = await glance.getImage(id);
    expect({ ...again, tags: [...again.tags].sort() }).toEqual({
      ...image,
      tags: [...image.tags].sort(),
    });
  });

  it('uploads data, then downloads it whole and from an offset', async () => {
    const image = await newImage(client, 'data');
    await glance.uploadData(
      image.id,
      Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
      {
        size: data.length,
      },
    );
    const active = await glance.getImage(image.id);
    expect(active.status).toBe('active');
    expect(active.size).toBe(data.length);
    const md5 = createHash('md5').update(data).digest('hex');
    expect(active.checksum).toBe(md5);

    const whole = await glance.openDownload(image.id);
    expect(whole).toMatchObject({
      status: 200,
      contentLength: data.length,
      contentMd5: md5,
      contentRange: null,
    });
    expect((await readAll(whole.body)).equals(data)).toBe(true);

    const tail = await glance.openDownload(image.id, { offset: 1000 });
    expect(tail).toMatchObject({
      status: 206,
      contentLength: data.length - 1000,
      contentRange: { start: 1000, end: data.length - 1, total: data.length },
    });
    expect((await readAll(tail.body)).equals(data.subarray(1000))).toBe(true);

    await failure(
      glance.openDownload(image.id, { offset: data.length + 10 }),
      'bad-request',
      /cannot resume/,
    );
  });

  it('uploads a stream of unknown size (chunked)', async () => {
    const image = await newImage(client, 'chunked');
    await glance.uploadData(image.id, Readable.from([data]), {});
    expect((await glance.getImage(image.id)).size).toBe(data.length);
  });

  it('refuses a second upload to an image that already has data', async () => {
    const image = await newImage(client, 'twice');
    await glance.uploadData(image.id, Readable.from([data]), { size: data.length });
    const err = await failure(
      glance.uploadData(image.id, Readable.from([data]), { size: data.length }),
      'conflict',
      /already has data/,
    );
    expect(err.status).toBe(409);
  });

  it('says plainly that a queued image has nothing to download', async () => {
    const image = await newImage(client, 'empty');
    await failure(glance.openDownload(image.id), 'conflict', { reason: 'no-data' });
  });

  it('updates from the minimal patch between a before/after pair', async () => {
    const before = await newImage(client, 'patch', {
      properties: { 'owner_specified.openstack.md5': '', 'a/b': 'x', gone: 'soon' },
    });
    const after = structuredClone(before);
    after.name = `${run}-patched`;
    after.min_ram = 128;
    after.tags = ['one'];
    after.properties['owner_specified.openstack.md5'] = 'abc';
    after.properties['a/b'] = 'y';
    after.properties.__os_version = 'Ubuntu 22.04';
    delete after.properties.gone;
    const updated = await glance.updateImage(before.id, diffImage(before, after));
    expect(updated).toMatchObject({ name: `${run}-patched`, min_ram: 128, tags: ['one'] });
    expect(updated.properties).toMatchObject({
      'owner_specified.openstack.md5': 'abc',
      'a/b': 'y',
      __os_version: 'Ubuntu 22.04',
    });
    expect(updated.properties).not.toHaveProperty('gone');
    expect(diffImage(updated, structuredClone(updated))).toEqual([]);
  });

  it('adds and removes tags', async () => {
    const image = await newImage(client, 'tags');
    // Plain tags go through the tag URL; '中文' and 'a/b' cannot, and take the tag list.
    for (const tag of ['with space & more', '中文', 'a/b', '中文'])
      await glance.addTag(image.id, tag);
    expect((await glance.getImage(image.id)).tags.sort()).toEqual(
      ['with space & more', '中文', 'a/b'].sort(),
    );
    await glance.removeTag(image.id, 'with space & more');
    await glance.removeTag(image.id, 'a/b');
    expect((await glance.getImage(image.id)).tags).toEqual(['中文']);
    await glance.removeTag(image.id, '中文');
    expect((await glance.getImage(image.id)).tags).toEqual([]);
  });

  it('lists with filters, in: lists, tags, sorting and paging to the end', async () => {
    const tag = `list-${run}-${who}`;
    const images = [];
    for (const name of ['c', 'a', 'b'])
      images.push(await newImage(client, `${who}-list-${name}`, { tags: [tag] }));
    const names = (page: { images: Image[] }) => page.images.map((i) => i.name);

    const sorted = await glance.listImages({ tags: [tag], sort: [{ key: 'name', dir: 'desc' }] });
    expect(names(sorted)).toEqual(['c', 'b', 'a'].map((n) => `${run}-${who}-list-${n}`));

    const byName = await glance.listImages({
      name: [`${run}-${who}-list-a`, `${run}-${who}-list-c`],
      sort: [
        { key: 'status', dir: 'asc' },
        { key: 'name', dir: 'asc' },
      ],
    });
    expect(names(byName)).toEqual([`${run}-${who}-list-a`, `${run}-${who}-list-c`]);

    expect((await glance.listImages({ tags: [tag], status: ['active', 'killed'] })).images).toEqual(
      [],
    );
    expect(
      (await glance.listImages({ tags: [tag], status: ['queued'], owner: user.projectId })).images,
    ).toHaveLength(3);
    expect((await glance.listImages({ tags: [tag, 'not-there'] })).images).toEqual([]);

    // Created in order: none of them before the first one's time, all of them from it on.
    const first = images[0]?.created_at ?? '';
    const count = async (q: Parameters<typeof glance.listImages>[0]) =>
      (await glance.listImages({ tags: [tag], ...q })).images.length;
    expect(await count({ created_at: { op: 'gte', value: first } })).toBe(3);
    expect(await count({ created_at: { op: 'lt', value: first } })).toBe(0);
    // The seed's changes-since, as Glance v2 takes it.
    expect(await count({ updated_at: { op: 'gt', value: '2000-01-01T00:00:00Z' } })).toBe(3);
    expect(await count({ updated_at: { op: 'gt', value: '2999-01-01T00:00:00Z' } })).toBe(0);

    // Paged as the renderer pages: each next page from the marker of the one before.
    const pageQuery: ImageListQuery = {
      tags: [tag],
      limit: 2,
      sort: [{ key: 'name', dir: 'asc' }],
    };
    const firstPage = await glance.listImages(pageQuery);
    const secondPage = await glance.listImages({ ...pageQuery, marker: firstPage.nextMarker });
    expect(secondPage.nextMarker).toBeUndefined();
    expect([names(firstPage), names(secondPage)]).toEqual([
      [`${run}-${who}-list-a`, `${run}-${who}-list-b`],
      [`${run}-${who}-list-c`],
    ]);
  });

  it('filters by size and hidden flag', async () => {
    const image = await newImage(client, 'sized', {
      os_hidden: true,
      tags: [`size-${run}-${who}`],
    });
    await glance.uploadData(image.id, Readable.from([data]), { size: data.length });
    const q = { tags: [`size-${run}-${who}`] };
    expect((await glance.listImages(q)).images).toEqual([]);
    expect(
      (await glance.listImages({ ...q, os_hidden: true, size_min: data.length })).images,
    ).toHaveLength(1);
    expect(
      (await glance.listImages({ ...q, os_hidden: true, size_max: data.length - 1 })).images,
    ).toEqual([]);
  });

  it('deletes an image, after which it is missing', async () => {
    const image = await newImage(client, 'delete');
    await glance.deleteImage(image.id);
    const err = await failure(glance.getImage(image.id), 'not-found');
    expect(err.status).toBe(404);
    expect(err.serverMessage).toBeTruthy();
    expect(err.requestId).toMatch(/^req-/);
    await failure(glance.deleteImage(image.id), 'not-found');
  });

  it('will not delete a protected image', async () => {
    const image = await newImage(client, 'protected', { protected: true });
    const err = await failure(glance.deleteImage(image.id), 'forbidden', {
      reason: 'delete-refused',
    });
    expect(err.status).toBe(403);
    expect((await glance.getImage(image.id)).status).toBe('queued');
  });

  it('reads the image schema, import methods and stores', async () => {
    const schema = await glance.getImageSchema();
    expect(schema).toMatchObject({ name: 'image' });
    expect((await glance.getImportInfo()).methods).toContain('glance-direct');
    expect((await glance.getStores()).map((s) => s.id)).toContain('local');
  });

  it('imports an image by web-download from a loopback server', async () => {
    const image = await newImage(client, 'import');
    const server = createServer((_req, res) => res.end(data));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await glance.importImage(image.id, {
        method: 'web-download',
        uri: `http://127.0.0.1:${port}/disk.img`,
      });
      // Glance fetches in the background: wait (bounded) until it is done.
      let status = '';
      for (let i = 0; i < 120 && status !== 'active'; i++) {
        status = (await glance.getImage(image.id)).status;
        if (status !== 'active') await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(status).toBe('active');
      const download = await glance.openDownload(image.id);
      expect((await readAll(download.body)).equals(data)).toBe(true);
    } finally {
      server.close();
    }
    // An image with data cannot be imported again.
    await failure(
      glance.importImage(image.id, { method: 'web-download', uri: `http://127.0.0.1:${port}/x` }),
      'conflict',
    );
  });
});

describe('rules Glance enforces', () => {
  it('does not let the member make an image public', async () => {
    const image = await newImage(member, 'public');
    const err = await failure(
      member.glance.updateImage(image.id, [
        { op: 'replace', path: '/visibility', value: 'public' },
      ]),
      'forbidden',
    );
    expect(err.status).toBe(403);
    expect(err.serverMessage).toMatch(/public/i);
    await failure(newImage(member, 'born-public', { visibility: 'public' }), 'forbidden');
  });

  it('answers limit=abc with bad-request and its own words', async () => {
    const err = await failure(
      admin.session.request({
        method: 'GET',
        path: '/v2/images',
        query: new URLSearchParams({ limit: 'abc' }),
      }),
      'bad-request',
    );
    expect(err.status).toBe(400);
    expect(err.serverMessage).toMatch(/limit/);
  });

  it('answers a PATCH without the json-patch media type with unsupported', async () => {
    const image = await newImage(member, 'media-type');
    const err = await failure(
      member.session.request({
        method: 'PATCH',
        path: `/v2/images/${image.id}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ op: 'replace', path: '/name', value: 'x' }]),
      }),
      'unsupported',
    );
    expect(err.status).toBe(415);
  });

  it('lets the admin deactivate and reactivate; the member then cannot download', async () => {
    const image = await newImage(admin, 'deactivate', { visibility: 'public' });
    await admin.glance.uploadData(image.id, Readable.from([data]), { size: data.length });
    await admin.glance.deactivateImage(image.id);
    expect((await admin.glance.getImage(image.id)).status).toBe('deactivated');
    const err = await failure(member.glance.openDownload(image.id), 'forbidden', {
      reason: 'download-refused',
    });
    expect(err.status).toBe(403);
    const adminDownload = await admin.glance.openDownload(image.id);
    expect((await readAll(adminDownload.body)).equals(data)).toBe(true);
    await failure(member.glance.deactivateImage(image.id), 'forbidden');
    await admin.glance.reactivateImage(image.id);
    const download = await member.glance.openDownload(image.id);
    expect((await readAll(download.body)).equals(data)).toBe(true);
  });

  it('shares an image with a member project, which accepts it', async () => {
    const image = await newImage(admin, 'shared', { visibility: 'shared' });
    const added = await admin.glance.addMember(image.id, bed.member.projectId);
    expect(added).toMatchObject({
      image_id: image.id,
      member_id: bed.member.projectId,
      status: 'pending',
    });
    expect(await admin.glance.listMembers(image.id)).toHaveLength(1);

    const pending = await member.glance.listImages({
      member_status: 'pending',
      visibility: 'shared',
    });
    expect(pending.images.map((i) => i.id)).toContain(image.id);
    const accepted = await member.glance.updateMemberStatus(
      image.id,
      bed.member.projectId,
      'accepted',
    );
    expect(accepted.status).toBe('accepted');
    expect((await member.glance.listMembers(image.id)).map((m) => m.status)).toEqual(['accepted']);
    const visible = await member.glance.listImages({ id: [image.id] });
    expect(visible.images.map((i) => i.id)).toEqual([image.id]);

    await failure(member.glance.addMember(image.id, bed.admin.projectId), 'forbidden');
    await admin.glance.removeMember(image.id, bed.member.projectId);
    expect(await admin.glance.listMembers(image.id)).toEqual([]);
    await failure(member.glance.getImage(image.id), 'not-found');
  });
});
