import type { ItemMetadata } from './movielens.js';

/** Item metadata keyed by item id, as a caller holds it (e.g. all of u.item) for a file that names fewer items. */
export interface ItemsById {
  readonly ids: readonly string[];
  readonly meta: ItemMetadata;
}

/**
 * The metadata rows of `ids`, in that order; an id the metadata does not name gets title "item <id>", genre 0,
 * release day 0 (unknown) and all-zero features.
 */
export function alignItems(src: ItemsById, ids: readonly string[]): ItemMetadata {
  // the same ids in the same order (an imported world's own catalog): nothing to copy, even at 8.2M items
  if (src.ids.length === ids.length && src.ids.every((id, i) => id === ids[i])) return src.meta;
  const at = new Map(src.ids.map((id, i) => [id, i]));
  const m = src.meta;
  const dim = m.featureNames.length;
  const features = new Float32Array(ids.length * dim);
  const genre = new Uint16Array(ids.length);
  const releaseDay = new Int32Array(ids.length);
  const titles = ids.map((id, i) => {
    const j = at.get(id);
    if (j === undefined) return `item ${id}`;
    features.set(m.features.subarray(j * dim, (j + 1) * dim), i * dim);
    genre[i] = m.genre[j]!;
    releaseDay[i] = m.releaseDay[j]!;
    return m.titles[j]!;
  });
  return { titles, releaseDay, genre, genreNames: m.genreNames, features, featureNames: m.featureNames };
}
