/**
 * Two clouds' image lists side by side: each image of A matched with one of B by its data
 * (the same hash and size), then what is left by name; and what each pair is — the same,
 * the same data with other metadata (and which fields), the same name with other data —
 * or an image only one side has. Pure, and linear in the number of images: 10,000 a side
 * take well under a tenth of a second.
 */
import { propertySkipReason } from '../../../common/copy';
import type { Image, PropertyValue } from '../../../common/image';

export const compareKinds = [
  'only-a',
  'only-b',
  'different-data',
  'different-metadata',
  'same',
] as const;
export type CompareKind = (typeof compareKinds)[number];

export interface ComparedRow {
  /** Unique in the comparison: the ids of the images in it. */
  key: string;
  kind: CompareKind;
  a?: Image;
  b?: Image;
  /**
   * For `different-metadata`: the fields that differ, as a copy would set them (`name`,
   * `min_ram`, `tags`, a custom property's key, …), in a fixed order.
   */
  differences: string[];
}

/** The keys an image's data can be known by: its multihash, then its md5, each with the size. */
function dataKeys(image: Image): string[] {
  if (image.size === null || image.size === 0) return [];
  const keys: string[] = [];
  if (image.os_hash_value) {
    keys.push(
      `${(image.os_hash_algo ?? 'sha512').toLowerCase()}:${image.os_hash_value.toLowerCase()}:${image.size}`,
    );
  }
  if (image.checksum) keys.push(`md5:${image.checksum.toLowerCase()}:${image.size}`);
  return keys;
}

/** The core fields a copy carries over, compared as they are. */
const metadataFields = [
  'name',
  'disk_format',
  'container_format',
  'min_disk',
  'min_ram',
  'os_hidden',
] as const satisfies readonly (keyof Image)[];

/** The custom properties a copy carries over. */
function copiedProperties(image: Image): Map<string, PropertyValue> {
  const copied = new Map<string, PropertyValue>();
  for (const [key, value] of Object.entries(image.properties)) {
    if (propertySkipReason(key, value) === undefined) copied.set(key, value);
  }
  return copied;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const tags = new Set(a);
  return b.every((tag) => tags.has(tag));
}

/**
 * The fields in which two images differ, of those a copy carries over (so a copy made by
 * the app compares as the same): core fields, `tags`, then custom property keys in order.
 */
export function metadataDifferences(a: Image, b: Image): string[] {
  const differences: string[] = metadataFields.filter((field) => a[field] !== b[field]);
  if (!sameTags(a.tags, b.tags)) differences.push('tags');
  const left = copiedProperties(a);
  const right = copiedProperties(b);
  const keys = new Set([...left.keys(), ...right.keys()]);
  const differing = [...keys].filter((key) => left.get(key) !== right.get(key));
  return [...differences, ...differing.sort()];
}

/**
 * The row of a pair: by data (`sameData`), the same or with other metadata; by name, with
 * other data — unless neither has data yet, when only their metadata can differ.
 */
function pairRow(a: Image, b: Image, sameData: boolean): ComparedRow {
  const key = `${a.id} ${b.id}`;
  const noData = dataKeys(a).length === 0 && dataKeys(b).length === 0;
  if (!sameData && !noData) return { key, kind: 'different-data', a, b, differences: [] };
  const differences = metadataDifferences(a, b);
  return { key, kind: differences.length > 0 ? 'different-metadata' : 'same', a, b, differences };
}

/**
 * Matches the images of A with those of B. Each image is in one row. A pair by data
 * prefers an image of the same name when B has the data more than once; what is left is
 * paired by name (in list order), and the rest is only on one side.
 */
export function compareImages(a: readonly Image[], b: readonly Image[]): ComparedRow[] {
  const byData = new Map<string, Image[]>();
  for (const image of b) {
    for (const key of dataKeys(image)) {
      const list = byData.get(key);
      if (list) list.push(image);
      else byData.set(key, [image]);
    }
  }
  const taken = new Set<string>();
  const rows: ComparedRow[] = [];
  const unmatchedA: Image[] = [];
  for (const image of a) {
    let match: Image | undefined;
    for (const key of dataKeys(image)) {
      const candidates = (byData.get(key) ?? []).filter((other) => !taken.has(other.id));
      match = candidates.find((other) => other.name === image.name) ?? candidates[0];
      if (match) break;
    }
    if (match) {
      taken.add(match.id);
      rows.push(pairRow(image, match, true));
    } else unmatchedA.push(image);
  }

  const byName = new Map<string, Image[]>();
  for (const image of b) {
    if (taken.has(image.id) || !image.name) continue;
    const list = byName.get(image.name);
    if (list) list.push(image);
    else byName.set(image.name, [image]);
  }
  for (const image of unmatchedA) {
    const match = image.name ? byName.get(image.name)?.shift() : undefined;
    if (match) {
      taken.add(match.id);
      rows.push(pairRow(image, match, false));
    } else rows.push({ key: image.id, kind: 'only-a', a: image, differences: [] });
  }
  for (const image of b) {
    if (!taken.has(image.id))
      rows.push({ key: image.id, kind: 'only-b', b: image, differences: [] });
  }
  return rows;
}

export type CompareSortKey = 'name' | 'kind' | 'size';

export interface CompareView {
  /** The kinds shown; empty: all. */
  kinds: readonly CompareKind[];
  /** Matched against either side's name and id, case-insensitively. */
  search: string;
  sort: { key: CompareSortKey; dir: 'asc' | 'desc' };
}

const nameOf = (row: ComparedRow) => row.a?.name ?? row.b?.name ?? '';
const sizeOf = (row: ComparedRow) => row.a?.size ?? row.b?.size ?? 0;
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The rows to show: of the chosen kinds, matching the search, sorted. */
export function viewRows(rows: readonly ComparedRow[], view: CompareView): ComparedRow[] {
  const needle = view.search.trim().toLowerCase();
  const kinds = new Set(view.kinds);
  const shown = rows.filter((row) => {
    if (kinds.size > 0 && !kinds.has(row.kind)) return false;
    if (!needle) return true;
    return [row.a?.name, row.a?.id, row.b?.name, row.b?.id].some((text) =>
      text?.toLowerCase().includes(needle),
    );
  });
  const order = view.sort.dir === 'asc' ? 1 : -1;
  const byName = (x: ComparedRow, y: ComparedRow) => collator.compare(nameOf(x), nameOf(y));
  const compare =
    view.sort.key === 'name'
      ? byName
      : view.sort.key === 'size'
        ? (x: ComparedRow, y: ComparedRow) => sizeOf(x) - sizeOf(y) || byName(x, y)
        : (x: ComparedRow, y: ComparedRow) =>
            compareKinds.indexOf(x.kind) - compareKinds.indexOf(y.kind) || byName(x, y);
  return shown.sort((x, y) => order * compare(x, y));
}

/** How many rows of each kind. */
export function countKinds(rows: readonly ComparedRow[]): Record<CompareKind, number> {
  const counts = Object.fromEntries(compareKinds.map((kind) => [kind, 0])) as Record<
    CompareKind,
    number
  >;
  for (const row of rows) counts[row.kind] += 1;
  return counts;
}
