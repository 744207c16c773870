import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Envelope } from '../../../common/contract';
import type { Image } from '../../../common/image';
import type { SharedImage, SharedWithMe } from '../../../common/sharing';
import { setLocale } from '../../../renderer/src/i18n/index.svelte';
import { countable, sharing, withAnswers } from '../../../renderer/src/lib/sharing.svelte';

const me = 'project-me';

function image(id: string, changes: Partial<Image> = {}): Image {
  return { id, name: id, visibility: 'shared', owner: me, tags: [], ...changes } as Image;
}

describe('withAnswers', () => {
  test('changes the shares whose answer was saved, and only those', () => {
    const shares: SharedImage[] = [
      { image: image('a'), status: 'pending' },
      { image: image('b'), status: 'pending' },
      { image: image('c'), status: 'rejected' },
    ];
    const after = withAnswers(
      shares,
      [
        { imageId: 'a', ok: true },
        { imageId: 'b', ok: false, error: { kind: 'not-found', message: '' } },
      ],
      'accepted',
    );
    expect(after.map((share) => share.status)).toEqual(['accepted', 'pending', 'rejected']);
    expect(shares[0]?.status).toBe('pending');
  });
});

describe('countable', () => {
  test('asks only about shared images of the user’s project, once each', () => {
    const images = [
      image('mine'),
      image('mine'),
      image('private', { visibility: 'private' }),
      image('theirs', { owner: 'someone-else' }),
      image('known'),
      image('asked'),
    ];
    expect(countable(images, me, new Map([['known', 2]]), new Set(['asked']))).toEqual(['mine']);
  });

  test('asks about nothing while the user’s project is not known', () => {
    expect(countable([image('mine')], undefined, new Map(), new Set())).toEqual([]);
  });
});

describe('sharing state', () => {
  let calls: { name: string; payload: unknown }[];
  const shared: SharedWithMe = {
    projectId: me,
    images: [
      { image: image('x', { owner: 'other' }), status: 'pending' },
      { image: image('y', { owner: 'other' }), status: 'accepted' },
    ],
  };

  beforeEach(() => {
    calls = [];
    vi.useFakeTimers();
    const g = globalThis as unknown as Record<string, unknown>;
    g.document = { documentElement: {} };
    const answer =
      <T>(name: string, value: (payload: never) => T) =>
      async (payload: never): Promise<Envelope<T>> => {
        calls.push({ name, payload });
        return { ok: true, value: value(payload) };
      };
    g.window = {
      api: {
        listSharedWithMe: answer('listSharedWithMe', () => shared),
        setShareStatus: answer('setShareStatus', ({ imageIds }: { imageIds: string[] }) =>
          imageIds.map((imageId) => ({ imageId, ok: true })),
        ),
        countImageMembers: answer('countImageMembers', ({ imageIds }: { imageIds: string[] }) =>
          Object.fromEntries(imageIds.map((id) => [id, 3])),
        ),
      },
    };
    setLocale('en');
  });

  afterEach(() => {
    vi.useRealTimers();
    const g = globalThis as unknown as Record<string, unknown>;
    delete g.window;
    delete g.document;
  });

  test('counts the shares still waiting for an answer, and follows the answers given', async () => {
    await sharing.load('cloud-1');
    expect(sharing.projectId).toBe(me);
    expect(sharing.pending).toBe(1);
    await sharing.answer(['x'], 'accepted');
    expect(sharing.pending).toBe(0);
    expect(calls.at(-1)).toEqual({
      name: 'setShareStatus',
      payload: { profileId: 'cloud-1', imageIds: ['x'], status: 'accepted' },
    });
  });

  test('asks for member counts in one call for the rows that came into view together', async () => {
    await sharing.load('cloud-2');
    sharing.countMembers([image('m1'), image('p', { visibility: 'public' })]);
    sharing.countMembers([image('m2'), image('m1')]);
    await vi.runAllTimersAsync();
    const counted = calls.filter((call) => call.name === 'countImageMembers');
    expect(counted).toEqual([
      { name: 'countImageMembers', payload: { profileId: 'cloud-2', imageIds: ['m1', 'm2'] } },
    ]);
    expect([...sharing.memberCounts]).toEqual([
      ['m1', 3],
      ['m2', 3],
    ]);
    // Already known: not asked again.
    sharing.countMembers([image('m1')]);
    await vi.runAllTimersAsync();
    expect(calls.filter((call) => call.name === 'countImageMembers')).toHaveLength(1);
  });
});
