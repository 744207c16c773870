/**
 * Sharing as the renderer keeps it for the active cloud: the user's project, the images
 * other projects shared with it and the project's answers (the sidebar counts those still
 * pending), and, for the image table, how many projects each of the user's shared images
 * is shared with, asked for only for rows on screen.
 */
import type { ImageResult } from '../../../common/contract';
import type { Image } from '../../../common/image';
import type { MemberStatus, SharedImage } from '../../../common/sharing';
import { errorText } from '../i18n/index.svelte';
import { api } from './api';

/** The shares after answering `status` for some of them: those that succeeded change. */
export function withAnswers(
  shares: readonly SharedImage[],
  results: readonly ImageResult[],
  status: MemberStatus,
): SharedImage[] {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
  const done = new Set(results.filter((result) => result.ok).map((result) => result.imageId));
  return shares.map((share) => (done.has(share.image.id) ? { ...share, status } : share));
}

/** The images a member count is worth asking for: shared ones the user's project owns, not yet counted. */
export function countable(
  images: readonly Image[],
  projectId: string | undefined,
  known: ReadonlyMap<string, number>,
  asked: ReadonlySet<string>,
): string[] {
  if (projectId === undefined) return [];
  const ids = images
    .filter((image) => image.visibility === 'shared' && image.owner === projectId)
    .map((image) => image.id)
    .filter((id) => !known.has(id) && !asked.has(id));
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- only to drop repeats
  return [...new Set(ids)];
}

/** Rows that came into view within this long are counted with one call. */
const countDelayMs = 150;
/** The most images one count call asks about (the contract's limit). */
const countBatch = 100;

class Sharing {
  profileId = $state<string | undefined>();
  /** The user's project on the active cloud, once known. */
  projectId = $state<string | undefined>();
  shares = $state.raw<SharedImage[]>([]);
  loading = $state(false);
  error = $state<string | undefined>();
  pending = $derived(this.shares.filter((share) => share.status === 'pending').length);
  /** Member counts of the user's shared images, by image ID. */
  memberCounts = $state.raw<ReadonlyMap<string, number>>(new Map());

  #generation = 0;
  #asked = new Set<string>();
  #waiting: Image[] = [];
  #countScheduled = false;

  /** Loads the shares of `profileId` (another cloud's are dropped at once). */
  async load(profileId: string): Promise<void> {
    const generation = ++this.#generation;
    if (profileId !== this.profileId) {
      this.profileId = profileId;
      this.projectId = undefined;
      this.shares = [];
      this.memberCounts = new Map();
      this.#asked = new Set();
    }
    this.loading = true;
    this.error = undefined;
    try {
      const found = await api.listSharedWithMe({ profileId });
      if (generation !== this.#generation) return;
      this.projectId = found.projectId;
      this.shares = found.images;
    } catch (error) {
      if (generation === this.#generation) this.error = errorText(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Gives the project's answer for these images; the successful ones change here too. */
  async answer(imageIds: string[], status: MemberStatus): Promise<ImageResult[]> {
    const profileId = this.profileId;
    if (profileId === undefined || imageIds.length === 0) return [];
    const results = await api.setShareStatus({ profileId, imageIds, status });
    if (profileId === this.profileId) this.shares = withAnswers(this.shares, results, status);
    return results;
  }

  /** Asks (soon, in one call) for the member counts of those of `images` that need one. */
  countMembers(images: readonly Image[]): void {
    this.#waiting.push(...images);
    if (this.#countScheduled) return;
    this.#countScheduled = true;
    setTimeout(() => void this.#flushCounts(), countDelayMs);
  }

  /** A member added or removed in an image's details: its count follows. */
  setMemberCount(imageId: string, count: number): void {
    this.memberCounts = new Map([...this.memberCounts, [imageId, count]]);
  }

  async #flushCounts(): Promise<void> {
    this.#countScheduled = false;
    const profileId = this.profileId;
    const ids = countable(this.#waiting, this.projectId, this.memberCounts, this.#asked).slice(
      0,
      countBatch,
    );
    this.#waiting = [];
    if (profileId === undefined || ids.length === 0) return;
    for (const id of ids) this.#asked.add(id);
    try {
      const counts = await api.countImageMembers({ profileId, imageIds: ids });
      if (profileId !== this.profileId) return;
      this.memberCounts = new Map([...this.memberCounts, ...Object.entries(counts)]);
    } catch {
      // Counts are a hint: without them the table still says "shared".
    }
  }
}

export const sharing = new Sharing();
