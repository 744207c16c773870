// The image list's filters through `dispatch`, against the real Glance: any custom property
// as key=value, created_at / updated_at with Glance's operators, os_hidden, member_status;
// a property filter named like one of the list's own parameters is refused, not sent.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CompareOperator, Image, ImageListQuery } from '../../../common/image';
import { passwordProfile, startTestMain, type TestMain } from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);
const tier = `gold-${runId}`;

let main: TestMain;
let member: string;
let admin: string;
let first: Image;
let second: Image;
let hidden: Image;
let sharedByAdmin: Image;

const names = () => [first, second, hidden].map((image) => image.name ?? '');

async function namesListed(profileId: string, query: ImageListQuery): Promise<string[]> {
  const { images } = await main.value('listImages', { profileId, query });
  return images.map((image) => image.name ?? '').sort();
}

beforeAll(async () => {
  main = await startTestMain({ log: () => undefined });
  member = (
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, { name: `member ${runId}` }),
    })
  ).id;
  admin = (
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.admin, { name: `admin ${runId}` }),
    })
  ).id;
  const create = (name: string, fields: object = {}) =>
    main.value('createImage', { profileId: member, fields: { name, ...fields } });
  first = await create(`filters-${runId}-1`, { properties: { tier } });
  // Glance keeps times to the second: the second image is created a second later.
  await sleep(1100);
  second = await create(`filters-${runId}-2`, { properties: { tier: `silver-${runId}` } });
  hidden = await create(`filters-${runId}-3`, { os_hidden: true, properties: { tier } });
  sharedByAdmin = await main.value('createImage', {
    profileId: admin,
    fields: { name: `filters-${runId}-shared`, visibility: 'shared' },
  });
  await main.value('addImageMember', {
    profileId: admin,
    imageId: sharedByAdmin.id,
    project: { id: bed.member.projectId },
  });
});

afterAll(async () => {
  await main.call('deleteImages', {
    profileId: member,
    imageIds: [first, second, hidden].filter(Boolean).map((image) => image.id),
  });
  if (sharedByAdmin) {
    await main.call('deleteImages', { profileId: admin, imageIds: [sharedByAdmin.id] });
  }
  await main?.close();
});

describe('image list filters', () => {
  it('any custom property as key=value (hidden images only when asked for)', async () => {
    expect(await namesListed(member, { properties: { tier } })).toEqual([first.name]);
    expect(await namesListed(member, { properties: { tier }, os_hidden: true })).toEqual([
      hidden.name,
    ]);
    expect(await namesListed(member, { properties: { tier: 'no-such-tier' } })).toEqual([]);
  });

  it('created_at and updated_at with each of Glance’s operators', async () => {
    const mine = { name: names() };
    // Glance answers whole seconds but compares finer: one second after the first image's
    // second lies strictly between the two images (the second came 1.1 s later).
    const between = new Date(Date.parse(first.created_at) + 1000).toISOString();
    const listed = (field: 'created_at' | 'updated_at', op: CompareOperator) =>
      namesListed(member, { ...mine, [field]: { op, value: between } });
    expect(await listed('created_at', 'gt')).toEqual([second.name]);
    expect(await listed('created_at', 'gte')).toEqual([second.name]);
    expect(await listed('created_at', 'lt')).toEqual([first.name]);
    expect(await listed('created_at', 'lte')).toEqual([first.name]);
    expect(await listed('created_at', 'eq')).toEqual([]);
    expect(await listed('created_at', 'neq')).toEqual([first.name, second.name]);
    expect(await listed('updated_at', 'lt')).toEqual([first.name]);
    expect(await listed('updated_at', 'gte')).toEqual([second.name]);
  });

  it('member_status: a pending share is listed only when asked for', async () => {
    const query = { name: sharedByAdmin.name ?? '' };
    expect(await namesListed(member, query)).toEqual([]);
    expect(await namesListed(member, { ...query, member_status: 'pending' })).toEqual([
      sharedByAdmin.name,
    ]);
    expect(await namesListed(member, { ...query, member_status: 'all' })).toEqual([
      sharedByAdmin.name,
    ]);
    expect(await namesListed(member, { ...query, member_status: 'rejected' })).toEqual([]);
  });

  it('refuses a property filter that would replace one of the list’s own parameters', async () => {
    const result = await main.call('listImages', {
      profileId: member,
      query: { properties: { sort_key: 'name' } },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'validation', details: { reason: 'filter-key-reserved', key: 'sort_key' } },
    });
  });
});
