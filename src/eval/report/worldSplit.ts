// Time-based split of a synthetic world: everything before the cutoff (the world's "now" minus D days) is the
// past Encore and the baselines learn from; the last D days are the test. Nothing at or after the cutoff is in
// the training world, the baselines' matrix or the popularity counts (test/eval/worldSplit.test.ts).
import { EventType } from '../../domain/events.js';
import { toCsr, mapValues, type Csr } from '../interactions.js';
import type { World, WorldEvents } from '../../world/World.js';
import { pickEvalUsers, type EvalData } from './evalData.js';

export const DAY_MS = 86_400_000;

/** Event types that count as "the listener liked this track" (a positive for training and for relevance). */
export function isPositiveType(type: number): boolean {
  return type === EventType.complete || type === EventType.like || type === EventType.save;
}

/** The world with only the events where keep[i] = 1 and its clock set to nowMs (the catalog is shared). */
export function cutWorld(world: World, keep: Uint8Array, nowMs: number): World {
  const ev = world.events;
  const idx: number[] = [];
  for (let i = 0; i < ev.count; i++) if (keep[i] === 1) idx.push(i);
  const pick = <A extends Int32Array | Float64Array | Uint8Array | Float32Array>(col: A, make: (n: number) => A): A => {
    const out = make(idx.length);
    for (let j = 0; j < idx.length; j++) out[j] = col[idx[j]!]!;
    return out;
  };
  const user = pick(ev.user, (n) => new Int32Array(n));
  const U = world.users.count;
  const userStart = new Int32Array(U + 1);
  for (let j = 0; j < user.length; j++) userStart[user[j]! + 1]!++;
  for (let u = 0; u < U; u++) userStart[u + 1]! += userStart[u]!;
  const events: WorldEvents = {
    count: idx.length,
    user,
    track: pick(ev.track, (n) => new Int32Array(n)),
    timestampMs: pick(ev.timestampMs, (n) => new Float64Array(n)),
    type: pick(ev.type, (n) => new Uint8Array(n)),
    positionMs: pick(ev.positionMs, (n) => new Int32Array(n)),
    session: pick(ev.session, (n) => new Int32Array(n)),
    weight: ev.weight ? pick(ev.weight, (n) => new Float32Array(n)) : null,
    userStart,
  };
  return { ...world, manifest: { ...world.manifest, nowMs, counts: { ...world.manifest.counts, events: idx.length } }, events };
}

/** Tracks not yet released at the cutoff (release day known and on or after the cutoff's day). */
export function unreleasedAt(world: World, cutoffMs: number): Int32Array {
  const rd = world.catalog.columns.releaseDay;
  const out: number[] = [];
  for (let t = 0; t < rd.length; t++) if (rd[t]! > 0 && rd[t]! * DAY_MS >= cutoffMs) out.push(t);
  return Int32Array.from(out);
}

function coo(): { r: number[]; c: number[] } {
  return { r: [], c: [] };
}

function binaryCsr(rows: number, cols: number, m: { r: number[]; c: number[] }): Csr {
  return mapValues(toCsr(rows, cols, Int32Array.from(m.r), Int32Array.from(m.c), new Float32Array(m.r.length).fill(1)), () => 1);
}

/** Whether row u of `m` (columns sorted ascending) holds `item`: binary search. */
function hasItem(m: Csr, u: number, item: number): boolean {
  let lo = m.indptr[u]!;
  let hi = m.indptr[u + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = m.indices[mid]!;
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Splits a synthetic world at cutoff = nowMs − days. Training positives: complete / like / save before the
 * cutoff. Excluded from every list: every track the listener played before the cutoff, and tracks not yet
 * released at the cutoff. Relevant: tracks the listener completed, liked or saved in the last `days` days
 * that they had never played before (what a recommender can add: discovery, not replay).
 */
export function worldTimeSplit(world: World, days: number, maxUsers: number): EvalData {
  const cutoffMs = world.manifest.nowMs - days * DAY_MS;
  const ev = world.events;
  const U = world.users.count;
  const N = world.catalog.trackCount;
  const keep = new Uint8Array(ev.count);
  const pos = coo();
  const played = coo();
  for (let i = 0; i < ev.count; i++) {
    if (ev.timestampMs[i]! >= cutoffMs) continue;
    keep[i] = 1;
    played.r.push(ev.user[i]!);
    played.c.push(ev.track[i]!);
    if (isPositiveType(ev.type[i]!)) {
      pos.r.push(ev.user[i]!);
      pos.c.push(ev.track[i]!);
    }
  }
  const train = binaryCsr(U, N, pos);
  const playedCsr = binaryCsr(U, N, played);
  const unreleased = unreleasedAt(world, cutoffMs);
  const future = new Uint8Array(N);
  for (const t of unreleased) future[t] = 1;
  const rel = coo();
  for (let i = 0; i < ev.count; i++) {
    if (keep[i] === 1 || !isPositiveType(ev.type[i]!)) continue;
    const u = ev.user[i]!;
    const t = ev.track[i]!;
    if (future[t] === 1 || hasItem(playedCsr, u, t)) continue;
    rel.r.push(u);
    rel.c.push(t);
  }
  const test = binaryCsr(U, N, rel);
  const evalUsers = pickEvalUsers(train, test, maxUsers);
  const excl = coo();
  const add = (u: number, t: number): void => {
    excl.r.push(u);
    excl.c.push(t);
  };
  for (let u = 0; u < U; u++) for (let p = playedCsr.indptr[u]!; p < playedCsr.indptr[u + 1]!; p++) add(u, playedCsr.indices[p]!);
  const exclude = binaryCsr(U, N, excl);
  const catalog = world.catalog;
  return {
    description:
      `world ${world.dir} (${world.manifest.source}, ${N} tracks, ${U} listeners, ${ev.count} events): time split at ${new Date(cutoffMs).toISOString()} ` +
      `(last ${days} days held out); training: ${keep.reduce((a, b) => a + b, 0)} events before the cutoff, ${train.indices.length} positive listener-track pairs ` +
      `(complete / like / save); relevant: ${test.indices.length} tracks first played and completed, liked or saved in the test window; ` +
      `${unreleased.length} tracks released after the cutoff excluded; ${evalUsers.length} listeners judged`,
    split: 'time',
    users: U,
    items: N,
    train,
    exclude,
    excludeForAll: unreleased,
    test,
    evalUsers,
    itemArtist: catalog.columns.artist,
    artistCount: catalog.artistCount,
    itemGenre: catalog.columns.genre,
    cutoffMs,
    days,
    encore: { kind: 'world', trainWorld: cutWorld(world, keep, cutoffMs) },
  };
}
