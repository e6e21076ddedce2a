// The listener's top root genres: onboarding picks first, then the most frequent root genres of recent plays.
import type { RequestContext } from '../pipeline/contracts.js';
import { recentTracks } from './candidates.js';

const rootCache = new WeakMap<object, Int32Array>();

function rootOf(ctx: RequestContext): Int32Array {
  let r = rootCache.get(ctx.catalog.genres);
  if (r) return r;
  let maxId = 0;
  for (const g of ctx.catalog.genres) maxId = Math.max(maxId, g.id);
  const parent = new Int32Array(maxId + 1).fill(-1);
  for (const g of ctx.catalog.genres) parent[g.id] = g.parent;
  r = new Int32Array(maxId + 1);
  for (let g = 0; g <= maxId; g++) {
    let x = g;
    for (let guard = 0; guard < 64 && parent[x]! >= 0; guard++) x = parent[x]!;
    r[g] = x;
  }
  rootCache.set(ctx.catalog.genres, r);
  return r;
}

export function topRootGenres(ctx: RequestContext, max: number): number[] {
  const out: number[] = [];
  for (const g of ctx.onboardingGenres) if (!out.includes(g) && out.length < max) out.push(g);
  if (out.length >= max) return out;
  const roots = rootOf(ctx);
  const counts = new Map<number, number>();
  for (const t of recentTracks(ctx, 50)) {
    const g = roots[ctx.catalog.columns.genre[t]!];
    if (g !== undefined) counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  // ties by name, not by genre id: ids are numbered differently by an import and by the generator (first-seen order)
  const genres = ctx.catalog.genres;
  const nameOf = (g: number): string => (genres[g]?.id === g ? genres[g].name : (genres.find((x) => x.id === g)?.name ?? ''));
  const byName = (a: number, b: number): number => {
    const x = nameOf(a), y = nameOf(b);
    return x < y ? -1 : x > y ? 1 : a - b;
  };
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || byName(a[0], b[0]));
  for (const [g] of ranked) if (!out.includes(g) && out.length < max) out.push(g);
  return out;
}

export { rootOf as rootGenreTable };
