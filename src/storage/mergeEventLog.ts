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

/** The world's listeners erased since (DELETE /v1/users/{id}): a 1 per row to drop, and how many. */
async function erasedWorldRows(url: string, world: World): Promise<{ rows: Uint8Array; count: number }> {
  const users = world.users.count;
  const rows = new Uint8Array(users);
  let count = 0;
  for (const id of await erasedListeners(url)) {
    const u = world.users.ids.indexOf(id);
    if (u >= 0 && u < users) {
      rows[u] = 1;
      count++;
    }
  }
  return { rows, count };
}

/** The log's mergeable events in flat columns (world indices), grown by doubling: no per-event objects kept. */
class LogColumns {
  n = 0;
  private cap = 1 << 16;
  user = new Int32Array(this.cap);
  track = new Int32Array(this.cap);
  ts = new Float64Array(this.cap);
  type = new Uint8Array(this.cap);
  pos = new Int32Array(this.cap);

  push(u: number, t: number, e: ListenEvent): void {
    if (this.n === this.cap) {
      this.cap *= 2;
      this.user = grow(this.user, new Int32Array(this.cap));
      this.track = grow(this.track, new Int32Array(this.cap));
      this.ts = grow(this.ts, new Float64Array(this.cap));
      this.type = grow(this.type, new Uint8Array(this.cap));
      this.pos = grow(this.pos, new Int32Array(this.cap));
    }
    const n = this.n++;
    this.user[n] = u;
    this.track[n] = t;
    this.ts[n] = e.timestamp;
    this.type[n] = EventType[e.type];
    this.pos[n] = e.type === 'skip' ? Math.min(2 ** 31 - 1, Math.round(e.position ?? 0)) : 0;
  }
}

/** Every event of the log; those of a track and of a listener and track this world knows go into the columns. */
async function readMergeable(url: string, world: World): Promise<{ log: LogColumns; read: number; skipped: number }> {
  const { ids: userIds, count: users } = world.users;
  const { trackIds, trackCount: tracks } = world.catalog;
  const log = new LogColumns();
  let read = 0;
  let skipped = 0;
  for await (const page of readAllEvents(url)) {
    for (let i = 0; i < page.length; i++) {
      read++;
      const e = page[i]!;
      const u = e.trackId === undefined ? -1 : userIds.indexOf(e.userId);
      const t = e.trackId === undefined ? -1 : trackIds.indexOf(e.trackId);
      if (u < 0 || t < 0 || u >= users || t >= tracks) skipped++;
      else log.push(u, t, e);
    }
  }
  return { log, read, skipped };
}

/**
 * The world's events (erased listeners' dropped) with the log's appended per listener, in (listener, time) order;
 * a log event more than SESSION_IDLE_MS after the listener's previous one opens a new session.
 */
function interleave(ev: WorldEvents, log: LogColumns, erasedRows: Uint8Array, users: number): WorldEvents {
  const n = log.n;
  const { user, track, ts, type, pos } = log;
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
  return { count: total, ...out };
}

/**
 * For `encore train --events-log URL`: returns a World whose history is the world's plus every track event
 * in the service's event log (in the world's columnar form: grouped by listener, chronological within a
 * listener, log events after the world's own, new session numbers after a 30-minute gap). Events for
 * listeners or tracks the world does not have (added while serving) are skipped and counted: the bundle's
 * user and track tables are the world's.
 */
export async function mergeEventLogIntoWorld(world: World, url: string): Promise<{ world: World; summary: MergeSummary }> {
  // Erased listeners: readAllEvents leaves their logged events out; their rows in the world's own history are
  // dropped here, so the bundle trained from the result holds no vector for them.
  const erased = await erasedWorldRows(url, world);
  const { log, read, skipped } = await readMergeable(url, world);
  if (log.n === 0 && erased.count === 0) return { world, summary: { merged: 0, skipped, read, erasedListeners: 0 } };
  const events = interleave(world.events, log, erased.rows, world.users.count);
  const manifest = { ...world.manifest, counts: { ...world.manifest.counts, events: events.count } };
  return { world: { ...world, manifest, events }, summary: { merged: log.n, skipped, read, erasedListeners: erased.count } };
}

function grow<A extends Int32Array | Float64Array | Uint8Array>(from: A, to: A): A {
  (to as Int32Array).set(from as Int32Array);
  return to;
}
