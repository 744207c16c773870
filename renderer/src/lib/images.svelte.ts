/**
 * The image list of the active profile: a fast first page, then the rest streamed in page
 * by page with Glance's marker. A new load (other filters, sort or profile) supersedes the
 * one running: its later pages are dropped and it stops asking for more.
 */
import type { Image, ImageListQuery } from '../../../common/image';
import { imageStores } from '../../../common/import';
import { api } from './api';
import { errorText, t } from '../i18n/index.svelte';

export const FIRST_PAGE = 100;
export const PAGE = 1000;

/** A lower-case string per image that the quick search matches against. */
function searchText(image: Image): string {
  return [image.name ?? '', image.id, image.status, image.disk_format ?? '', ...image.tags]
    .join('\n')
    .toLowerCase();
}

export class ImageList {
  images = $state.raw<Image[]>([]);
  /** True until the last page arrived (or the load failed). */
  loading = $state(false);
  /** True while not even the first page is there. */
  firstLoad = $state(false);
  error = $state<string | undefined>();
  search = $state('');
  /** Only images with data in this store ('' for any): Glance's list cannot filter by store. */
  store = $state('');
  filtered = $derived.by(() => {
    const needle = this.search.trim().toLowerCase();
    const store = this.store;
    if (!needle && !store) return this.images;
    return this.images.filter(
      (image) =>
        (!needle || this.#searchIndex(image).includes(needle)) &&
        (!store || imageStores(image).includes(store)),
    );
  });

  #generation = 0;
  #index = new WeakMap<Image, string>();

  #searchIndex(image: Image): string {
    let text = this.#index.get(image);
    if (text === undefined) {
      text = searchText(image);
      this.#index.set(image, text);
    }
    return text;
  }

  /** Loads every page for `query`; resolves when done, superseded or failed. */
  async load(profileId: string, query: ImageListQuery): Promise<void> {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    this.images = [];
    this.error = undefined;
    this.loading = true;
    this.firstLoad = true;
    let marker: string | undefined;
    let limit = FIRST_PAGE;
    // A server that hands back a marker it gave before would have us ask for pages forever.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local record, not state
    const markersSeen = new Set<string>();
    try {
      for (;;) {
        const page = await api.listImages({
          profileId,
          query: { ...query, limit, ...(marker ? { marker } : {}) },
          nextLimit: PAGE, // main fetches the next page while this one travels and renders
        });
        if (!current()) return;
        this.images = this.images.length ? this.images.concat(page.images) : page.images;
        // Index while the next page is on its way, so the first keystroke does not pay for it.
        for (const image of page.images) this.#searchIndex(image);
        this.firstLoad = false;
        marker = page.nextMarker;
        if (!marker) break;
        if (markersSeen.has(marker)) {
          this.error = t('images.pagingLoop', { count: this.images.length });
          break;
        }
        markersSeen.add(marker);
        limit = PAGE;
      }
    } catch (error) {
      if (current()) this.error = errorText(error);
    } finally {
      if (current()) {
        this.loading = false;
        this.firstLoad = false;
      }
    }
  }

  /** Stops a running load (its remaining pages are never asked for). */
  cancel(): void {
    this.#generation += 1;
    this.loading = false;
    this.firstLoad = false;
  }

  replace(image: Image): void {
    this.images = this.images.map((old) => (old.id === image.id ? image : old));
  }

  prepend(image: Image): void {
    this.images = [image, ...this.images.filter((old) => old.id !== image.id)];
  }

  remove(ids: Iterable<string>): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
    const gone = new Set(ids);
    this.images = this.images.filter((image) => !gone.has(image.id));
  }
}
