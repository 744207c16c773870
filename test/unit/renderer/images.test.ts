import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Envelope } from '../../../common/contract';
import type { Image, ImageListQuery, ImagePage } from '../../../common/image';
import { setLocale } from '../../../renderer/src/i18n/index.svelte';
import { FIRST_PAGE, ImageList, PAGE } from '../../../renderer/src/lib/images.svelte';

// The renderer's window.api, answering listImages from `pages` (a server that misbehaves
// as told); every request is recorded.
let requests: ImageListQuery[];
let answer: (query: ImageListQuery) => ImagePage;

function image(id: string): Image {
  return { id, name: `image ${id}`, status: 'active', tags: [] } as unknown as Image;
}

beforeEach(() => {
  requests = [];
  const g = globalThis as unknown as Record<string, unknown>;
  g.document = { documentElement: {} };
  g.window = {
    api: {
      listImages: async ({ query }: { query: ImageListQuery }): Promise<Envelope<ImagePage>> => {
        requests.push(query);
        if (requests.length > 50) throw new Error('the list kept asking for pages');
        return { ok: true, value: answer(query) };
      },
    },
  };
  setLocale('en');
});

afterEach(() => {
  const g = globalThis as unknown as Record<string, unknown>;
  delete g.window;
  delete g.document;
});

describe('ImageList.load', () => {
  test('asks for a small first page, then follows next markers until there is none', async () => {
    answer = (query) =>
      query.marker === undefined
        ? { images: [image('a'), image('b')], nextMarker: 'b' }
        : query.marker === 'b'
          ? { images: [image('c')], nextMarker: 'c' }
          : { images: [] };
    const list = new ImageList();
    await list.load('p1', { status: 'active' });
    expect(list.images.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(list.error).toBeUndefined();
    expect(list.loading).toBe(false);
    expect(requests).toEqual([
      { status: 'active', limit: FIRST_PAGE },
      { status: 'active', limit: PAGE, marker: 'b' },
      { status: 'active', limit: PAGE, marker: 'c' },
    ]);
  });

  test('stops with an error when the server repeats its next marker', async () => {
    answer = (query) =>
      query.marker === undefined
        ? { images: [image('a')], nextMarker: 'a' }
        : { images: [image('b')], nextMarker: 'a' };
    const list = new ImageList();
    await list.load('p1', {});
    expect(requests.map((q) => q.marker)).toEqual([undefined, 'a']);
    expect(list.error).toMatch(/same page marker twice.*after 2 images/);
    expect(list.loading).toBe(false);
    expect(list.firstLoad).toBe(false);
  });

  test('stops when a marker comes back after other pages', async () => {
    const next: Record<string, string> = { start: 'a', a: 'b', b: 'c', c: 'a' };
    answer = (query) => ({
      images: [image(`${requests.length}`)],
      nextMarker: next[query.marker ?? 'start'],
    });
    const list = new ImageList();
    await list.load('p1', {});
    expect(requests.map((q) => q.marker)).toEqual([undefined, 'a', 'b', 'c']);
    expect(list.error).toMatch(/same page marker twice/);
  });

  test('shows the error of a failed page in the UI language', async () => {
    const g = globalThis as unknown as { window: { api: Record<string, unknown> } };
    g.window.api.listImages = async () => ({
      ok: false,
      error: {
        kind: 'network',
        message: 'Could not reach the cloud. Check the address and your network.',
      },
    });
    setLocale('zh-CN');
    const list = new ImageList();
    await list.load('p1', {});
    expect(list.error).toMatch(/无法连接/);
    expect(list.loading).toBe(false);
  });
});
