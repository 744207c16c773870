// Paging ahead against the real Glance (requests counted by the fault proxy in front of it):
// the next page is asked for once the current one is known, served from there, and an
// error on it reaches whoever asks for that page.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ImageListQuery } from '../../../common/image';
import { GlanceClient } from '../../../main/openstack/glance';
import { PagePrefetcher } from '../../../main/openstack/page-prefetch';
import { failure } from '../../support/app-error';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { issueToken } from '../../support/keystone-admin';
import { glanceFor, openSession } from '../../support/sessions';

const bed = inject('testbed');
const tag = `prefetch-${randomUUID()}`;
const imageLists = () => proxy.requests.filter((r) => r.path.startsWith('/v2/images?'));

let proxy: FaultProxy;
let glance: GlanceClient;
let direct: GlanceClient;
const created: string[] = [];

beforeAll(async () => {
  direct = glanceFor(bed, bed.admin).glance;
  for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) {
    const image = await direct.createImage({ name, tags: [tag] });
    created.push(image.id);
  }
  proxy = await startFaultProxy(bed.glanceUrl);
  const token = await issueToken(bed, bed.admin);
  glance = new GlanceClient(
    openSession({
      interface: 'public',
      auth: { method: 'token', token },
      imageEndpoint: proxy.url,
    }),
  );
});

afterAll(async () => {
  await proxy.close();
  for (const id of created) await direct.deleteImage(id);
});

beforeEach(() => {
  proxy.clearRules();
  proxy.requests.length = 0;
});

const byName: ImageListQuery = { tags: [tag], sort: [{ key: 'name', dir: 'asc' }] };
const names = (page: { images: { name: string | null }[] }) => page.images.map((i) => i.name);

describe('PagePrefetcher', () => {
  it('asks for the next page at once and serves it from there', async () => {
    const pages = new PagePrefetcher((query) => glance.listImages(query));
    const first = await pages.page({ ...byName, limit: 2 }, 3);
    expect(names(first)).toEqual(['p1', 'p2']);
    await expect.poll(() => imageLists().length).toBe(2); // the second page is on its way

    // The fields in another order: still the same query.
    const second = await pages.page({ limit: 3, marker: first.nextMarker, ...byName });
    expect(names(second)).toEqual(['p3', 'p4', 'p5']);
    expect(imageLists()).toHaveLength(2); // served from the page fetched ahead
    expect(imageLists()[1]?.path).toContain(`marker=${first.nextMarker}`);
  });

  it('asks again for any other query, and does not fetch ahead without a next limit', async () => {
    const pages = new PagePrefetcher((query) => glance.listImages(query));
    const first = await pages.page({ ...byName, limit: 2 }, 2);
    await expect.poll(() => imageLists().length).toBe(2);
    const other = await pages.page({ ...byName, limit: 3, marker: first.nextMarker });
    expect(names(other)).toEqual(['p3', 'p4', 'p5']);
    expect(imageLists()).toHaveLength(3);
  });

  it('hands an error on the page fetched ahead to whoever asks for that page', async () => {
    const pages = new PagePrefetcher((query) => glance.listImages(query));
    proxy.addRule({ match: /marker=/, fault: { kind: 'respond', status: 200, body: '{' } });
    const first = await pages.page({ ...byName, limit: 2 }, 2);
    const err = await failure(
      pages.page({ ...byName, limit: 2, marker: first.nextMarker }),
      'server',
    );
    expect(err.details).toMatchObject({ reason: 'not-json', service: 'glance' });
  });
});
