// Sharing images between the test bed's two projects through `dispatch`, against the real
// Keystone + Glance: the admin's project shares, the member's project answers (accept,
// reject, back to pending), the owner removes the share; each step is in the activity log.
// Errors come back as typed reasons: a private or public image, a project that does not
// exist, one already a member, the member limit (413), and sharing someone else's image (403).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppErrorData } from '../../../common/errors';
import type { Image } from '../../../common/image';
import { glanceAs } from '../../testbed/rest';
import { passwordProfile, startTestMain, type TestMain } from './harness';

const bed = inject('testbed');
const runId = randomUUID().slice(0, 8);

let main: TestMain;
/** The admin's project owns the shared images; the member's project answers. */
let owner: string;
let consumer: string;
const created: { profileId: string; id: string }[] = [];

beforeAll(async () => {
  main = await startTestMain({ log: () => undefined });
  owner = (
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.admin, { name: `owner ${runId}` }),
    })
  ).id;
  consumer = (
    await main.value('saveProfile', {
      profile: passwordProfile(bed, bed.member, { name: `consumer ${runId}` }),
    })
  ).id;
});

afterAll(async () => {
  for (const { profileId, id } of created) {
    await main.call('deleteImages', { profileId, imageIds: [id] });
  }
  await main?.close();
});

async function newImage(profileId: string, name: string, visibility: string): Promise<Image> {
  const image = await main.value('createImage', {
    profileId,
    fields: { name: `share-${runId}-${name}`, visibility },
  });
  created.push({ profileId, id: image.id });
  return image;
}

/** The error of a call that must fail. */
async function failure(name: Parameters<TestMain['call']>[0], payload: unknown) {
  const result = await main.call(name, payload);
  expect(result.ok, `${name} should fail`).toBe(false);
  return (result as { ok: false; error: AppErrorData }).error;
}

async function sharedStatus(imageId: string): Promise<string | undefined> {
  const { images } = await main.value('listSharedWithMe', { profileId: consumer });
  return images.find((share) => share.image.id === imageId)?.status;
}

describe('sharing an image between two projects', () => {
  let image: Image;

  it('asks for a shared image: a private one is refused as such, then switched and shared', async () => {
    image = await newImage(owner, 'base', 'private');
    const refused = await failure('addImageMember', {
      profileId: owner,
      imageId: image.id,
      project: { name: bed.member.projectName },
    });
    expect(refused).toMatchObject({
      kind: 'forbidden',
      status: 403,
      details: { reason: 'share-needs-shared', visibility: 'private' },
    });

    // What the details panel sends first, after showing it as a patch.
    const switched = await main.value('updateImage', {
      profileId: owner,
      imageId: image.id,
      ops: [{ op: 'replace', path: '/visibility', value: 'shared' }],
    });
    expect(switched.visibility).toBe('shared');
    const added = await main.value('addImageMember', {
      profileId: owner,
      imageId: image.id,
      project: { name: bed.member.projectName },
    });
    expect(added).toEqual({
      checked: true,
      member: expect.objectContaining({
        member_id: bed.member.projectId,
        projectName: bed.member.projectName,
        status: 'pending',
      }),
    });
    const members = await main.value('listImageMembers', { profileId: owner, imageId: image.id });
    expect(members).toEqual([
      expect.objectContaining({
        member_id: bed.member.projectId,
        projectName: bed.member.projectName,
        status: 'pending',
      }),
    ]);
    expect(
      await main.value('countImageMembers', { profileId: owner, imageIds: [image.id] }),
    ).toEqual({ [image.id]: 1 });
  });

  it('shows the member its pending share, and its own project', async () => {
    const shared = await main.value('listSharedWithMe', { profileId: consumer });
    expect(shared.projectId).toBe(bed.member.projectId);
    expect(shared.images.find((share) => share.image.id === image.id)).toMatchObject({
      status: 'pending',
      image: { name: image.name, owner: bed.admin.projectId },
    });
    // Glance lists a project's own shared images with every member_status: not shares.
    expect(shared.images.every((share) => share.image.owner !== bed.member.projectId)).toBe(true);
  });

  it('lets the member accept, reject and put back to pending; the default list follows', async () => {
    const inDefaultList = async () =>
      (await main.value('listImages', { profileId: consumer, query: { id: image.id } })).images
        .length === 1;

    expect(
      await main.value('setShareStatus', {
        profileId: consumer,
        imageIds: [image.id],
        status: 'accepted',
      }),
    ).toEqual([{ imageId: image.id, ok: true }]);
    expect(await sharedStatus(image.id)).toBe('accepted');
    expect(await inDefaultList()).toBe(true);

    await main.value('setShareStatus', {
      profileId: consumer,
      imageIds: [image.id],
      status: 'rejected',
    });
    expect(await sharedStatus(image.id)).toBe('rejected');
    expect(await inDefaultList()).toBe(false);
    const members = await main.value('listImageMembers', { profileId: owner, imageId: image.id });
    expect(members[0]?.status).toBe('rejected');

    await main.value('setShareStatus', {
      profileId: consumer,
      imageIds: [image.id],
      status: 'pending',
    });
    expect(await sharedStatus(image.id)).toBe('pending');
  });

  it('answers for many images at once, one result each', async () => {
    const more = await Promise.all([
      newImage(owner, 'm1', 'shared'),
      newImage(owner, 'm2', 'shared'),
    ]);
    for (const each of more) {
      await main.value('addImageMember', {
        profileId: owner,
        imageId: each.id,
        project: { id: bed.member.projectId },
      });
    }
    const missing = randomUUID();
    const results = await main.value('setShareStatus', {
      profileId: consumer,
      imageIds: [...more.map((each) => each.id), missing],
      status: 'accepted',
    });
    expect(results.slice(0, 2)).toEqual(more.map((each) => ({ imageId: each.id, ok: true })));
    expect(results[2]).toMatchObject({
      imageId: missing,
      ok: false,
      error: { kind: 'not-found', details: { reason: 'not-a-member' } },
    });
  });

  it('removes the member: the share is gone for it, and answering then is an error', async () => {
    await main.value('removeImageMember', {
      profileId: owner,
      imageId: image.id,
      memberId: bed.member.projectId,
    });
    expect(await main.value('listImageMembers', { profileId: owner, imageId: image.id })).toEqual(
      [],
    );
    expect(await sharedStatus(image.id)).toBeUndefined();
    const [result] = await main.value('setShareStatus', {
      profileId: consumer,
      imageIds: [image.id],
      status: 'accepted',
    });
    expect(result?.error?.details).toEqual({ reason: 'not-a-member' });
    const again = await failure('removeImageMember', {
      profileId: owner,
      imageId: image.id,
      memberId: bed.member.projectId,
    });
    expect(again.details).toEqual({ reason: 'member-missing', project: bed.member.projectId });
  });

  it('records each sharing step in the activity log, with the project', async () => {
    const entries = (await main.value('listActivity', {})).filter(
      (entry) => entry.imageId === image.id,
    );
    const steps = entries.map((entry) => [entry.action, entry.project, entry.outcome.ok]);
    expect(steps.reverse()).toEqual([
      ['created', undefined, true],
      // Refused: the image was still private.
      ['member-added', bed.member.projectId, false],
      ['edited', undefined, true],
      ['member-added', bed.member.projectId, true],
      ['share-accepted', bed.member.projectId, true],
      ['share-rejected', bed.member.projectId, true],
      ['share-pending', bed.member.projectId, true],
      ['member-removed', bed.member.projectId, true],
      ['share-accepted', bed.member.projectId, false],
      ['member-removed', bed.member.projectId, false],
    ]);
  });
});

describe('sharing errors, in plain words', () => {
  it('refuses a public image: it is already visible to every project', async () => {
    const image = await newImage(owner, 'public', 'public');
    const error = await failure('addImageMember', {
      profileId: owner,
      imageId: image.id,
      project: { id: bed.member.projectId },
    });
    expect(error.details).toEqual({ reason: 'share-needs-shared', visibility: 'public' });
  });

  it('refuses a project that does not exist, by name or by ID, where Keystone can tell', async () => {
    const image = await newImage(owner, 'nobody', 'shared');
    const byName = await failure('addImageMember', {
      profileId: owner,
      imageId: image.id,
      project: { name: `no-such-project-${runId}` },
    });
    expect(byName).toMatchObject({
      kind: 'not-found',
      details: { reason: 'project-not-found', project: `no-such-project-${runId}`, by: 'name' },
    });
    const missingId = randomUUID().replace(/-/g, '');
    const byId = await failure('addImageMember', {
      profileId: owner,
      imageId: image.id,
      project: { id: missingId },
    });
    expect(byId.details).toEqual({ reason: 'project-not-found', project: missingId, by: 'id' });
    // Nothing was shared with either.
    expect(await main.value('listImageMembers', { profileId: owner, imageId: image.id })).toEqual(
      [],
    );
  });

  it('says when Keystone does not let a member look projects up, and takes an ID unchecked', async () => {
    const image = await newImage(consumer, 'members-own', 'shared');
    const byName = await failure('addImageMember', {
      profileId: consumer,
      imageId: image.id,
      project: { name: bed.admin.projectName },
    });
    expect(byName).toMatchObject({
      kind: 'forbidden',
      details: { reason: 'project-lookup-refused', name: bed.admin.projectName },
    });
    const byId = await main.value('addImageMember', {
      profileId: consumer,
      imageId: image.id,
      project: { id: bed.admin.projectId },
    });
    expect(byId.checked).toBe(false);
    expect(byId.member).toMatchObject({ member_id: bed.admin.projectId, status: 'pending' });
    // Its own projects it may look up by name.
    const other = await newImage(consumer, 'own-name', 'shared');
    const own = await main.value('addImageMember', {
      profileId: consumer,
      imageId: other.id,
      project: { name: bed.member.projectName },
    });
    expect(own).toMatchObject({ checked: true, member: { member_id: bed.member.projectId } });
  });

  it('refuses a project already shared with (409)', async () => {
    const image = await newImage(owner, 'twice', 'shared');
    const project = { id: bed.member.projectId };
    await main.value('addImageMember', { profileId: owner, imageId: image.id, project });
    const error = await failure('addImageMember', { profileId: owner, imageId: image.id, project });
    expect(error).toMatchObject({
      kind: 'conflict',
      status: 409,
      details: { reason: 'member-exists', project: bed.member.projectId },
    });
  });

  it('refuses sharing another project’s image (403)', async () => {
    const image = await newImage(owner, 'not-yours', 'shared');
    await main.value('addImageMember', {
      profileId: owner,
      imageId: image.id,
      project: { id: bed.member.projectId },
    });
    const error = await failure('addImageMember', {
      profileId: consumer,
      imageId: image.id,
      project: { id: bed.member.projectId },
    });
    expect(error).toMatchObject({
      kind: 'forbidden',
      status: 403,
      details: { reason: 'share-not-allowed' },
    });
  });

  it('says when the cloud’s member limit is reached (413), with the limit', async () => {
    const image = await newImage(consumer, 'crowded', 'shared');
    // Glance takes any text as a member: fill the image up to its limit directly.
    const glance = glanceAs(bed, bed.member);
    let added = 0;
    for (;;) {
      const answer = await glance('POST', `/v2/images/${image.id}/members`, {
        member: `filler-${added}`,
      });
      if (answer.status === 413) break;
      expect(answer.status).toBe(200);
      added += 1;
    }
    const error = await failure('addImageMember', {
      profileId: consumer,
      imageId: image.id,
      project: { id: bed.admin.projectId },
    });
    expect(error).toMatchObject({
      kind: 'unsupported',
      status: 413,
      details: { reason: 'member-limit', limit: added },
    });
    expect(
      await main.value('countImageMembers', { profileId: consumer, imageIds: [image.id] }),
    ).toEqual({ [image.id]: added });
  });
});
