// Genre names as the API speaks them ("rock", "rock/indie rock") <-> the catalog's genre ids.
import type { Catalog, Genre } from '../catalog/Catalog.js';
import { genrePath } from '../catalog/trackInput.js';

const cache = new WeakMap<readonly Genre[], Map<string, Genre>>();

function byPath(genres: readonly Genre[]): Map<string, Genre> {
  let m = cache.get(genres);
  if (m !== undefined) return m;
  m = new Map();
  const byId = new Map(genres.map((g) => [g.id, g]));
  for (const g of genres) m.set(genreName(g, byId).toLowerCase(), g);
  // a leaf's own name also finds it, unless two parents share that name
  const leafCount = new Map<string, number>();
  for (const g of genres) if (g.parent >= 0) leafCount.set(g.name.toLowerCase(), (leafCount.get(g.name.toLowerCase()) ?? 0) + 1);
  for (const g of genres) if (g.parent >= 0 && leafCount.get(g.name.toLowerCase()) === 1 && !m.has(g.name.toLowerCase())) m.set(g.name.toLowerCase(), g);
  cache.set(genres, m);
  return m;
}

/** "parent/child" for a subgenre, the name for a root. */
export function genreName(g: Genre, byId: ReadonlyMap<number, Genre>): string {
  const parent = g.parent >= 0 ? byId.get(g.parent) : undefined;
  return parent !== undefined ? `${parent.name}/${g.name}` : g.name;
}

/** Every genre with its path name, roots first (GET /v1/genres). */
export function genreList(catalog: Catalog): { name: string; parent: string | null }[] {
  const byId = new Map(catalog.genres.map((g) => [g.id, g]));
  const out = catalog.genres.map((g) => ({ name: genreName(g, byId), parent: g.parent >= 0 ? (byId.get(g.parent)?.name ?? null) : null, root: g.parent < 0 }));
  out.sort((a, b) => Number(b.root) - Number(a.root) || a.name.localeCompare(b.name));
  return out.map(({ name, parent }) => ({ name, parent }));
}

/** Root genre ids of the names (onboarding picks act at the root level); unknown names are returned apart. */
export function resolveGenreNames(catalog: Catalog, names: readonly string[]): { ids: number[]; unknown: string[] } {
  const m = byPath(catalog.genres);
  const ids: number[] = [];
  const unknown: string[] = [];
  for (const raw of names) {
    const p = genrePath(raw);
    const g = p === null ? undefined : m.get(p.join('/'));
    if (g === undefined) {
      unknown.push(raw);
      continue;
    }
    const root = g.parent >= 0 ? g.parent : g.id;
    if (!ids.includes(root)) ids.push(root);
  }
  return { ids, unknown };
}
