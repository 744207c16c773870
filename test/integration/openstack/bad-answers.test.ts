// Answers a broken or hostile image service could send, injected by the fault proxy in front
// of the real Glance: each must become a `server` AppError that names the service, its host
// and (for a wrong type) the field, never a crash, a hang or a guess.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { GlanceClient } from '../../../main/openstack/glance';
import { failure } from '../../support/app-error';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { issueToken } from '../../support/keystone-admin';
import { openSession } from '../../support/sessions';

const bed = inject('testbed');
const imageList = /^GET \/v2\/images(\?|$)/;
const anImage = /^GET \/v2\/images\/[^/?]+$/;

describe('bad answers from the image service', () => {
  let proxy: FaultProxy;
  let host: string;
  let glance: GlanceClient;

  beforeAll(async () => {
    proxy = await startFaultProxy(bed.glanceUrl);
    host = new URL(proxy.url).host;
    const token = await issueToken(bed, bed.admin);
    glance = new GlanceClient(
      openSession({
        interface: 'public',
        auth: { method: 'token', token },
        imageEndpoint: proxy.url,
      }),
    );
  });

  afterAll(() => proxy.close());

  beforeEach(() => proxy.clearRules());

  const answer = (match: RegExp, body: string, times = 1) =>
    proxy.addRule({ match, fault: { kind: 'respond', status: 200, body }, times });

  /** The call fails with a bad-answer error naming Glance, the proxy's host and `field`. */
  async function badAnswer(call: Promise<unknown>, field: string) {
    const err = await failure(call, 'server');
    expect(err.details).toEqual({ reason: 'bad-answer', service: 'glance', host, field });
    expect(err.message).toContain(`The image service at ${host}`);
  }

  it('the real server answers through the proxy', async () => {
    const page = await glance.listImages({ limit: 1 });
    expect(Array.isArray(page.images)).toBe(true);
  });

  it('an answer that is not JSON', async () => {
    answer(imageList, '{"images": [');
    const err = await failure(glance.listImages(), 'server');
    expect(err.details).toEqual({ reason: 'not-json', service: 'glance', host });
  });

  it('an image list without a list, or without an answer at all', async () => {
    answer(imageList, '{"images": {"id": "x"}}');
    await badAnswer(glance.listImages(), 'images');
    answer(imageList, '');
    await badAnswer(glance.listImages(), '');
  });

  it('list entries that are not images, have no id, or a wrong type', async () => {
    answer(imageList, '{"images": [null]}');
    await badAnswer(glance.listImages(), 'images[0]');
    answer(imageList, '{"images": [{"id": "a"}, {"name": "no id", "status": "active"}]}');
    await badAnswer(glance.listImages(), 'images[1].id');
    const images = ['a', 'b', 'c'].map((id) => ({ id, size: 1 }));
    answer(imageList, JSON.stringify({ images: [...images, { id: 'd', size: '12' }] }));
    await badAnswer(glance.listImages(), 'images[3].size');
    answer(imageList, JSON.stringify({ images, next: 42 }));
    await badAnswer(glance.listImages(), 'next');
  });

  it('Huawei IMS extras and nulls Glance allows pass', async () => {
    const image = {
      id: 'ims-1',
      name: null,
      size: null,
      virtual_size: null,
      __image_size: '2147483648',
      __isregistered: 'true',
      __imagetype: 'gold',
    };
    answer(imageList, JSON.stringify({ images: [image], next: null }));
    const page = await glance.listImages();
    expect(page.images[0]).toMatchObject({
      id: 'ims-1',
      name: null,
      size: null,
      properties: { __image_size: '2147483648', __isregistered: 'true', __imagetype: 'gold' },
    });
    expect(page.nextMarker).toBeUndefined();
  });

  it('an image answer that is not an image, or has a wrong type', async () => {
    answer(anImage, '[1, 2]');
    await badAnswer(glance.getImage('a-missing-image'), '');
    answer(anImage, JSON.stringify({ id: 'x', tags: 'a,b' }));
    await badAnswer(glance.getImage('x'), 'tags');
  });

  it('another image than the one asked for', async () => {
    const asked = randomUUID();
    answer(anImage, JSON.stringify({ id: '../../etc', name: 'not it' }));
    const err = await failure(glance.getImage(asked), 'server');
    expect(err.details).toEqual({
      reason: 'wrong-image',
      service: 'glance',
      host,
      expected: asked,
      actual: '../../etc',
    });
    answer(/^PATCH \/v2\/images\//, JSON.stringify({ id: 'other' }));
    const patched = await failure(
      glance.updateImage(asked, [{ op: 'replace', path: '/name', value: 'n' }]),
      'server',
    );
    expect(patched.details).toMatchObject({ reason: 'wrong-image', actual: 'other' });
  });

  it('members, the image schema, import methods and stores of the wrong shape', async () => {
    answer(/\/members$/, '{"members": [{"image_id": "i", "member_id": "m", "status": "maybe"}]}');
    await badAnswer(glance.listMembers('i'), 'members[0].status');
    answer(/^GET \/v2\/schemas\/image$/, '{"properties": {"disk_format": {"enum": "raw"}}}');
    await badAnswer(glance.getImageSchema(), 'properties.disk_format.enum');
    answer(/^GET \/v2\/info\/import$/, '{"import-methods": {"value": ["glance-direct", 7]}}');
    await badAnswer(glance.getImportInfo(), 'import-methods.value[1]');
    answer(/^GET \/v2\/info\/stores$/, '{"stores": [{"id": 1}]}');
    await badAnswer(glance.getStores(), 'stores[0].id');
  });
});
