import type { ImageListQuery, ImagePage } from '../../common/image';

/** The same query whatever order its fields were written in (arrays keep their order). */
function keyOf(query: ImageListQuery): string {
  return JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Image list pages for a reader that walks the whole list one page at a time (the renderer,
 * over IPC): once a page is known, the page after it is asked for at once, so the reader
 * waits for Glance only, not for Glance plus the round trip between two pages. Only the
 * next page of the last query is kept; any other call drops it.
 */
export class PagePrefetcher {
  #ahead: { key: string; page: Promise<ImagePage> } | undefined;

  constructor(private readonly list: (query: ImageListQuery) => Promise<ImagePage>) {}

  /** The page for `query`; with `nextLimit`, the page after it starts loading with that limit. */
  async page(query: ImageListQuery, nextLimit?: number): Promise<ImagePage> {
    const key = keyOf(query);
    const ahead = this.#ahead;
    this.#ahead = undefined;
    const page = await (ahead?.key === key ? ahead.page : this.list(query));
    if (nextLimit !== undefined && page.nextMarker !== undefined && this.#ahead === undefined) {
      const next: ImageListQuery = { ...query, marker: page.nextMarker, limit: nextLimit };
      const loading = this.list(next);
      loading.catch(() => undefined); // the error reaches whoever asks for that page
      this.#ahead = { key: keyOf(next), page: loading };
    }
    return page;
  }
}
