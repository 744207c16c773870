/**
 * The compare view's state, kept while the user looks at other views (loading 10,000
 * images a side again would take a while): the two clouds, their lists, the comparison,
 * and how it is filtered, sorted and selected.
 */
import {
  compareImages,
  countKinds,
  viewRows,
  type CompareKind,
  type CompareSortKey,
  type ComparedRow,
} from './compare';
import { ImageList } from './images.svelte';

class Comparison {
  aId = $state<string | undefined>();
  bId = $state<string | undefined>();
  readonly a = new ImageList();
  readonly b = new ImageList();
  rows = $state.raw<ComparedRow[]>([]);
  /** The pair last compared (or being compared): `aId bId`. */
  requestedPair = $state('');
  kinds = $state<CompareKind[]>([]);
  search = $state('');
  sort = $state<{ key: CompareSortKey; dir: 'asc' | 'desc' }>({ key: 'kind', dir: 'asc' });
  /** Keys of the rows selected. */
  selected = $state.raw<Set<string>>(new Set());
  counts = $derived(countKinds(this.rows));
  shown = $derived(
    viewRows(this.rows, { kinds: this.kinds, search: this.search, sort: this.sort }),
  );
  loading = $derived(this.a.loading || this.b.loading);
  error = $derived(this.a.error ?? this.b.error);

  /** Loads both lists, then compares them; a newer run supersedes this one. */
  async run(): Promise<void> {
    const { aId, bId } = this;
    if (!aId || !bId || aId === bId) return;
    this.rows = [];
    this.selected = new Set();
    this.requestedPair = `${aId} ${bId}`;
    await Promise.all([this.a.load(aId, {}), this.b.load(bId, {})]);
    if (aId !== this.aId || bId !== this.bId || this.a.error || this.b.error) return;
    if (this.a.loading || this.b.loading) return;
    this.rows = compareImages(this.a.images, this.b.images);
  }

  toggleKind(kind: CompareKind): void {
    this.kinds = this.kinds.includes(kind)
      ? this.kinds.filter((k) => k !== kind)
      : [...this.kinds, kind];
  }
}

export const comparison = new Comparison();
