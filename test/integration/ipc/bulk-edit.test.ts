// A bulk edit of 50 images through `dispatch`, against the real Glance: 45 the member's
// project owns and 5 another project's (public and shared with it). The plan reads every
// image and shows each patch; the cloud changes the member's and refuses the others, each
// listed with its reason; every change is in the activity log; the undo (the inverse
// patches of what changed) puts the images back as they were.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BulkChange, BulkPlan } from '../../../common/bulk-edit';
import { groupPatches } from '../../../common/bulk-edit';
import type { UpdatedImage } from '../../../common/contract';
import type { Image } from '../../../common/image';
import { undoPatches } from '../../../renderer/src/lib/bulk-form';
import { seedImages } from '../../testbed/seed';
import { passwordProfile, startTestMain, type TestMain } from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);
const prefix = `bulk-${runId}`;

let main: TestMain;
let member: string;
let admin: string;
let owned: string[];
let foreign: Image[];
const missing = randomUUID();

const change: BulkChange = {
  addTags: [`batch-${runId}`],
  removeTags: ['odd'],
  setProperties: { tier: 'gold', __os_version: 'EulerOS 2.9' },
  unsetProperties: ['seed_index'],
  min_disk: 7,
};

let plan: BulkPlan;
let results: UpdatedImage[];
let before: Map<string, Image>;

const read = async (profileId: string, ids: readonly string[]) =>
  new Map(
    await Promise.all(
      ids.map(
        async (imageId) => [imageId, await main.value('getImage', { profileId, imageId })] as const,
      ),
    ),
  );

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
  owned = (await seedImages(bed, 45, { prefix, user: bed.member })).map((image) => image.id);
  foreign = [];
  for (const [index, visibility] of ['public', 'public', 'shared', 'shared', 'shared'].entries()) {
    const image = await main.value('createImage', {
      profileId: admin,
      fields: { name: `${prefix}-admin-${index}`, visibility, tags: ['odd'] },
    });
    foreign.push(image);
    if (visibility === 'shared') {
      await main.value('addImageMember', {
        profileId: admin,
        imageId: image.id,
        project: { id: bed.member.projectId },
      });
      await main.value('setShareStatus', {
        profileId: member,
        imageIds: [image.id],
        status: 'accepted',
      });
    }
  }
  before = await read(member, owned);
});

afterAll(async () => {
  if (owned) await main.call('deleteImages', { profileId: member, imageIds: owned });
  if (foreign?.length) {
    await main.call('deleteImages', { profileId: admin, imageIds: foreign.map((i) => i.id) });
  }
  await main?.close();
});

describe('bulk edit of 50 images, 5 of them another project’s', () => {
  it('plans a patch per image from the images as they are, and names the project', async () => {
    const ids = [...owned, ...foreign.map((image) => image.id), missing];
    plan = await main.value('planBulkEdit', { profileId: member, imageIds: ids, change });
    expect(plan.projectId).toBe(bed.member.projectId);
    expect(plan.edits).toHaveLength(50);
    expect(plan.failed).toEqual([
      { imageId: missing, error: expect.objectContaining({ kind: 'not-found', status: 404 }) },
    ]);
    const notOwned = plan.edits.filter((edit) => edit.image.owner !== plan.projectId);
    expect(notOwned.map((edit) => edit.image.id).sort()).toEqual(foreign.map((i) => i.id).sort());
    // Seeded images differ in their tags (even or odd) and min_disk (index % 20): the 45
    // patches are of three kinds, the odd images at min_disk 7 already (7, 27) leaving it.
    const mine = plan.edits.filter((edit) => edit.image.owner === plan.projectId);
    expect(groupPatches(mine).map((group) => group.edits.length)).toEqual([23, 20, 2]);
    const first = plan.edits.find((edit) => edit.image.id === owned[1]);
    expect(first?.ops).toEqual([
      { op: 'replace', path: '/tags', value: [prefix, `batch-${runId}`] },
      { op: 'replace', path: '/min_disk', value: 7 },
      { op: 'replace', path: '/__os_version', value: 'EulerOS 2.9' },
      { op: 'add', path: '/tier', value: 'gold' },
      { op: 'remove', path: '/seed_index' },
    ]);
  });

  it('changes the member’s images and lists each one the cloud refused, with why', async () => {
    const edits = plan.edits.map((edit) => ({ imageId: edit.image.id, ops: edit.ops }));
    results = await main.value('updateImages', { profileId: member, edits });
    expect(results).toHaveLength(50);
    const refused = results.filter((result) => !result.ok);
    expect(refused.map((result) => result.imageId).sort()).toEqual(
      foreign.map((image) => image.id).sort(),
    );
    for (const result of refused) {
      expect(result.error).toMatchObject({
        kind: 'forbidden',
        status: 403,
        details: { reason: 'edit-refused' },
      });
    }
    const now = await read(member, owned);
    for (const id of owned) {
      const image = now.get(id) as Image;
      expect(image.min_disk).toBe(7);
      expect(image.tags).toContain(`batch-${runId}`);
      expect(image.tags).not.toContain('odd');
      expect(image.properties).toMatchObject({ tier: 'gold', __os_version: 'EulerOS 2.9' });
      expect(image.properties).not.toHaveProperty('seed_index');
      // Glance keeps tags as a set: two answers may list them in another order.
      const answered = results.find((result) => result.imageId === id)?.image;
      expect({ ...answered, tags: [...(answered?.tags ?? [])].sort() }).toEqual({
        ...image,
        tags: [...image.tags].sort(),
      });
    }
    // The other project's images are as they were.
    for (const image of (
      await read(
        admin,
        foreign.map((i) => i.id),
      )
    ).values()) {
      expect(image.tags).toEqual(['odd']);
      expect(image.min_disk).toBe(0);
    }
  });

  it('records each change, and each refusal, in the activity log', async () => {
    const entries = await main.value('listActivity', { profileId: member, limit: 50 });
    expect(entries.every((entry) => entry.action === 'edited')).toBe(true);
    expect(entries.filter((entry) => entry.outcome.ok)).toHaveLength(45);
    expect(entries.filter((entry) => !entry.outcome.ok)).toHaveLength(5);
    const one = entries.find((entry) => entry.imageId === owned[0]);
    expect(one?.patch).toEqual(plan.edits.find((edit) => edit.image.id === owned[0])?.ops);
  });

  it('undoes it with the inverse patches: the images are as they were before', async () => {
    const undo = undoPatches(plan, results);
    expect(undo).toHaveLength(45);
    const undone = await main.value('updateImages', { profileId: member, edits: undo });
    expect(undone.every((result) => result.ok)).toBe(true);
    const now = await read(member, owned);
    for (const id of owned) {
      const was = before.get(id) as Image;
      expect(now.get(id)).toEqual({ ...was, updated_at: now.get(id)?.updated_at });
    }
  });

  it('refuses a bulk change Glance would refuse, before reading or sending anything', async () => {
    const result = await main.call('planBulkEdit', {
      profileId: member,
      imageIds: owned.slice(0, 2),
      change: { unsetProperties: ['os_glance_import_task'] },
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'validation',
        details: { reason: 'property-refused', key: 'os_glance_import_task' },
      },
    });
    const twice = await main.call('updateImages', {
      profileId: member,
      edits: [
        { imageId: owned[0], ops: [{ op: 'remove', path: '/tier' }] },
        { imageId: owned[0], ops: [{ op: 'remove', path: '/tier' }] },
      ],
    });
    expect(twice).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });
});
