import { EventType, type ListenEvent } from '../domain/events.js';
import type { World, WorldEvents } from '../world/World.js';
import { SESSION_IDLE_MS } from './applyEvent.js';
import { openEventLog, readAllEvents } from './open.js';

export interface MergeSummary {
  /** Events appended to the world's history. */
  readonly merged: number;
  /** Events read but not mergeable: artist-level (follow/ban), unknown listener or track for this world. */
  readonly skipped: number;
  readonly read: number;
  /** Listeners of the world whose history was dropped because they were erased. */
  readonly erasedListeners: number;
}

async function erasedListeners(url: string): Promise<ReadonlySet<string>> {
  const log = await openEventLog(url);
  try {
    return await log.erasedListeners();
  } finally {
    await log.close();
  }
}

/**
 * For `encore train --events-log URL`: returns a World whose history is the world's plus every track event
 * in the service's event log (in the world's columnar form: grouped by listener, chronological within a
 * listener, log events after the world's own, new session numbers after a 30-minute gap). Events for
 * listeners or tracks the world does not have (added while serving) are skipped and counted: the bundle's
 * user and track tables are the world's.
 */
export async function mergeEventLogIntoWorld(world: World, url: string): Promise<{ world: World; summary: MergeSummary }> {
  const ev = world.events;
  const userIds = world.users.ids;
  const trackIds = world.catalog.trackIds;
  const users = world.users.count;
  // Erased listeners (DELETE /v1/users/{id}): readAllEvents leaves their logged events out; their rows in the
  // world's own history are dropped below, so the bundle trained from the result holds no vector for them.
  const excluded = await erasedListeners(url);
  const erasedRows = new Uint8Array(users);
  let erasedWorldUsers = 0;
  for (const id of excluded) {
    const u = userIds.indexOf(id);
    if (u >= 0 && u < users) {
      erasedRows[u] = 1;
      erasedWorldUsers++;
    }
  }
  const tracks = world.catalog.trackCount;
  // Pass 1: keep the mergeable events in flat columns (no per-event objects kept).
  let cap = 1 << 16;
  let n = 0;
  let user = new Int32Array(cap);
  let track = new Int32Array(cap);
  let ts = new Float64Array(cap);
  let type = new Uint8Array(cap);
  let pos = new Int32Array(cap);
  let read = 0;
  let skipped = 0;
  const keep = (e: ListenEvent): boolean => {
    if (e.trackId === undefined) return false;
    const u = userIds.indexOf(e.userId);
    const t = trackIds.indexOf(e.trackId);
    if (u < 0 || t < 0 || u >= users || t >= tracks) return false;
    if (n === cap) {
      cap *= 2;
      user = grow(user, new Int32Array(cap));
      track = grow(track, new Int32Array(cap));
      ts = grow(ts, new Float64Array(cap));
      type = grow(type, new Uint8Array(cap));
      pos = grow(pos, new Int32Array(cap));
    }
    user[n] = u;
    track[n] = t;
    ts[n] = e.timestamp;
    type[n] = EventType[e.type];
    pos[n] = e.type === 'skip' ? Math.min(2 ** 31 - 1, Math.round(e.position ?? 0)) : 0;
    n++;
    return true;
  };
  for await (const page of readAllEvents(url)) {
    for (let i = 0; i < page.length; i++) {
      read++;
      if (!keep(page[i]!)) skipped++;
    }
  }
  if (n === 0 && erasedWorldUsers === 0) return { world, summary: { merged: 0, skipped, read, erasedListeners: 0 } };

  // Order the log's events by (listener, time) with an index sort over the flat columns.
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => user[a]! - user[b]! || ts[a]! - ts[b]!);
  const addPerUser = new Int32Array(users);
  for (let i = 0; i < n; i++) addPerUser[user[i]!]!++;
  let total = ev.count + n;
  for (let u = 0; u < users; u++) if (erasedRows[u] === 1) total -= ev.userStart[u + 1]! - ev.userStart[u]!;
  const out = {
    user: new Int32Array(total),
    track: new Int32Array(total),
    timestampMs: new Float64Array(total),
    type: new Uint8Array(total),
    positionMs: new Int32Array(total),
    session: new Int32Array(total),
    weight: ev.weight === null ? null : new Float32Array(total),
    userStart: new Int32Array(users + 1),
  };
  let maxSession = -1;
  for (let i = 0; i < ev.count; i++) if (ev.session[i]! > maxSession) maxSession = ev.session[i]!;
  let nextSession = maxSession + 1;
  let w = 0;
  let k = 0; // position in `order`
  for (let u = 0; u < users; u++) {
    out.userStart[u] = w;
    const from = ev.userStart[u]!;
    const to = erasedRows[u] === 1 ? from : ev.userStart[u + 1]!;
    out.user.set(ev.user.subarray(from, to), w);
    out.track.set(ev.track.subarray(from, to), w);
    out.timestampMs.set(ev.timestampMs.subarray(from, to), w);
    out.type.set(ev.type.subarray(from, to), w);
    out.positionMs.set(ev.positionMs.subarray(from, to), w);
    out.session.set(ev.session.subarray(from, to), w);
    if (out.weight !== null && ev.weight !== null) out.weight.set(ev.weight.subarray(from, to), w);
    w += to - from;
    let lastTs = to > from ? ev.timestampMs[to - 1]! : -Infinity;
    let session = -1;
    for (let j = 0; j < addPerUser[u]!; j++, k++) {
      const i = order[k]!;
      if (session < 0 || ts[i]! - lastTs > SESSION_IDLE_MS) session = nextSession++;
      out.user[w] = u;
      out.track[w] = track[i]!;
      out.timestampMs[w] = ts[i]!;
      out.type[w] = type[i]!;
      out.positionMs[w] = pos[i]!;
      out.session[w] = session;
      if (out.weight !== null) out.weight[w] = 1;
      lastTs = ts[i]!;
      w++;
    }
  }
  out.userStart[users] = w;
  const events: WorldEvents = { count: total, ...out };
  const manifest = { ...world.manifest, counts: { ...world.manifest.counts, events: total } };
  return { world: { ...world, manifest, events }, summary: { merged: n, skipped, read, erasedListeners: erasedWorldUsers } };
}

function grow<A extends Int32Array | Float64Array | Uint8Array>(from: A, to: A): A {
  (to as Int32Array).set(from as Int32Array);
  return to;
}
