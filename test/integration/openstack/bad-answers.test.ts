// Answers a broken or hostile image service could send, injected by the fault proxy in front
// of the real Glance: each must become a plain-words AppError, never a crash or a hang.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { GlanceClient } from '../../../main/openstack/glance';
import { failure } from '../../support/app-error';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { issueToken } from '../../support/keystone-admin';
import { openSession } from '../../support/sessions';

const bed = inject('testbed');
const imageList = /^GET \/v2\/images(\?|$)/;

describe('bad answers from the image service', () => {
  let proxy: FaultProxy;
  let glance: GlanceClient;

  beforeAll(async () => {
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

  afterAll(() => proxy.close());

  beforeEach(() => proxy.clearRules());

  const answerList = (body: string, times = 1) =>
    proxy.addRule({ match: imageList, fault: { kind: 'respond', status: 200, body }, times });

  it('the real server answers through the proxy', async () => {
    const page = await glance.listImages({ limit: 1 });
    expect(Array.isArray(page.images)).toBe(true);
  });

  it('an answer that is not JSON', async () => {
    answerList('{"images": [');
    await failure(
      glance.listImages(),
      'server',
      'The cloud sent an answer that is not valid JSON.',
    );
  });

  it('an image list without a list', async () => {
    answerList('{"images": {"id": "x"}}');
    await failure(glance.listImages(), 'server', 'The cloud answered without an image list.');
  });

  it('a list entry that is not an image', async () => {
    answerList('{"images": [null]}');
    await failure(glance.listImages(), 'server', /not an image/);
  });

  it('a list entry without an id', async () => {
    answerList('{"images": [{"name": "no id", "status": "active"}]}');
    await failure(glance.listImages(), 'server', 'The cloud sent an image without an id.');
  });

  it('a next link that points back to a page already read', async () => {
    answerList('{"images": [], "next": "/v2/images?marker=loop"}', 2);
    const pages: unknown[] = [];
    const reading = (async () => {
      for await (const page of glance.listAllImages()) pages.push(page);
    })();
    await failure(reading, 'server', /points back to a page it already sent/);
    expect(pages).toHaveLength(2);
  });

  it('an image answer that is not an image', async () => {
    proxy.addRule({
      match: /^GET \/v2\/images\/[^/?]+$/,
      fault: { kind: 'respond', status: 200, body: '[1, 2]' },
    });
    await failure(glance.getImage('a-missing-image'), 'server', /not an image/);
  });
});
