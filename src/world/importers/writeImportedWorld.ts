// Writes imported interactions as a world directory in the same format as `encore world` (docs/formats.md).
// Items become tracks with their original ids (one artist and one album per item, with the item's id: the data names
// none), listeners keep theirs. Every item is available everywhere (the data names no markets; the world has the one
// market UNKNOWN_MARKET); every row becomes one `complete` event with its weight.
// The world is written into a temp directory renamed at the end, so nothing half-imported is ever visible.
import fs from 'node:fs';
import path from 'node:path';
import type { Genre } from '../../catalog/Catalog.js';
import { CATALOG_FILES } from '../../catalog/ColumnarCatalog.js';
import { Errors } from '../../domain/errors.js';
import { EventType } from '../../domain/events.js';
import { IdDictionary } from '../../catalog/IdDictionary.js';
import { EVERYWHERE, MarketSets } from '../../catalog/MarketSets.js';
import { StringTableWriter, WORLD_FORMAT, WORLD_FORMAT_VERSION, writeColumn, writeJson, type ColumnSpec, type WorldManifest } from '../format.js';
import { EVENT_FILES } from '../generateHistory.js';
import { USER_FILES } from '../generateUsers.js';
import { DAY_MS } from '../timeline.js';
import { prepareOut, sortedKeys } from '../World.js';
import type { ImportedData } from './movielens.js';
import { releaseDaysOf } from './firstPlay.js';
import { groupByKey } from '../../catalog/groupByKey.js';

/** A new session starts after this much silence between two events of a listener. */
export const SESSION_GAP_MS = 30 * 60_000;
/** Duration written for imported items (the data has none). */
export const UNKNOWN_DURATION_MS = 210_000;
/** The one market of a world whose data names none (ISO 3166-1 user-assigned code). */
export const UNKNOWN_MARKET = 'ZZ';

export interface ImportSummary {
  readonly dir: string;
  readonly tracks: number;
  readonly users: number;
  readonly events: number;
  readonly sessions: number;
}

export function writeImportedWorld(data: ImportedData, out: string): ImportSummary {
  const abs = path.resolve(out);
  prepareOut(abs);
  const tmp = `${abs}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const summary = writeInto(data, tmp);
    fs.rmSync(abs, { recursive: true, force: true });
    fs.renameSync(tmp, abs);
    return { ...summary, dir: abs };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The catalog of an interaction file: each item its own artist and album, everywhere available, popularity from its rows. */
function writeItems(data: ImportedData, dir: string, files: Record<string, ColumnSpec>): void {
  const x = data.interactions;
  const meta = data.items;
  const N = x.itemIds.length;
  const counts = new Float64Array(N);
  for (let i = 0; i < x.user.length; i++) counts[x.item[i]!]!++;
  let maxCount = 1;
  for (let i = 0; i < N; i++) if (counts[i]! > maxCount) maxCount = counts[i]!;
  const identity = Int32Array.from({ length: N }, (_, i) => i);
  writeColumn(dir, CATALOG_FILES.artist, identity, files);
  writeColumn(dir, CATALOG_FILES.album, identity, files);
  writeColumn(dir, CATALOG_FILES.genre, meta ? meta.genre : new Uint16Array(N), files);
  const releaseDay = releaseDaysOf(meta ? meta.releaseDay : null, x);
  writeColumn(dir, CATALOG_FILES.releaseDay, releaseDay, files);
  writeColumn(dir, CATALOG_FILES.durationMs, new Int32Array(N).fill(UNKNOWN_DURATION_MS), files);
  writeColumn(dir, CATALOG_FILES.explicit, new Uint8Array(N), files);
  writeColumn(dir, CATALOG_FILES.marketSet, new Uint32Array(N).fill(EVERYWHERE), files);
  writeColumn(dir, CATALOG_FILES.marketSets, MarketSets.everywhereOnly().words, files);
  writeColumn(dir, CATALOG_FILES.popularity, Float32Array.from(counts, (c) => c / maxCount), files);
  writeColumn(dir, CATALOG_FILES.features, meta ? meta.features : new Float32Array(0), files);
  writeColumn(dir, CATALOG_FILES.albumArtist, identity, files);
  writeColumn(dir, CATALOG_FILES.albumReleaseDay, releaseDay, files);
  writeColumn(dir, CATALOG_FILES.artistGenre, meta ? meta.genre : new Uint16Array(N), files);
  writeColumn(dir, CATALOG_FILES.artistMarket, new Uint8Array(N), files);
  const titles = new StringTableWriter(dir, CATALOG_FILES.trackTitle, N);
  const artists = new StringTableWriter(dir, CATALOG_FILES.artistName, N);
  const albums = new StringTableWriter(dir, CATALOG_FILES.albumTitle, N);
  for (let i = 0; i < N; i++) {
    const title = meta ? meta.titles[i]! : `item ${x.itemIds[i]!}`;
    titles.appendString(title);
    titles.end();
    artists.appendString('unknown artist');
    artists.end();
    albums.appendString(title);
    albums.end();
  }
  titles.close(files);
  artists.close(files);
  albums.close(files);
}

/**
 * The rows as complete events, ordered by listener, then time, then file order (stable; no timestamps: row order
 * as ms), sessions cut at SESSION_GAP_MS; the listeners' columns with each signup day at their first row.
 */
function writeRows(data: ImportedData, dir: string, files: Record<string, ColumnSpec>): { sessions: number; maxTs: number } {
  const x = data.interactions;
  const U = x.userIds.length;
  const E = x.user.length;
  const ts = x.timestampMs ?? Float64Array.from({ length: E }, (_, i) => i);
  const order = orderByUserThenTime(x.user, ts, U);
  const eUser = new Int32Array(E);
  const eTrack = new Int32Array(E);
  const eTs = new Float64Array(E);
  const eSession = new Int32Array(E);
  const eWeight = new Float32Array(E);
  const signupDay = new Int32Array(U);
  let session = -1;
  let maxTs = 0;
  for (let k = 0; k < E; k++) {
    const i = order[k]!;
    const u = x.user[i]!;
    const t = ts[i]!;
    const newUser = k === 0 || eUser[k - 1] !== u;
    if (newUser) signupDay[u] = Math.floor(t / DAY_MS);
    if (newUser || t - eTs[k - 1]! > SESSION_GAP_MS) session++;
    eUser[k] = u;
    eTrack[k] = x.item[i]!;
    eTs[k] = t;
    eSession[k] = session;
    eWeight[k] = x.weight[i]!;
    if (t > maxTs) maxTs = t;
  }
  writeColumn(dir, USER_FILES.market, new Uint8Array(U), files);
  writeColumn(dir, USER_FILES.explicitOk, new Uint8Array(U).fill(1), files);
  writeColumn(dir, USER_FILES.signupDay, signupDay, files);
  writeColumn(dir, EVENT_FILES.user, eUser, files);
  writeColumn(dir, EVENT_FILES.track, eTrack, files);
  writeColumn(dir, EVENT_FILES.timestampMs, eTs, files);
  writeColumn(dir, EVENT_FILES.type, new Uint8Array(E).fill(EventType.complete), files);
  writeColumn(dir, EVENT_FILES.positionMs, new Int32Array(E), files);
  writeColumn(dir, EVENT_FILES.session, eSession, files);
  writeColumn(dir, EVENT_FILES.weight, eWeight, files);
  return { sessions: session + 1, maxTs };
}

function writeInto(data: ImportedData, dir: string): Omit<ImportSummary, 'dir'> {
  const x = data.interactions;
  const N = x.itemIds.length;
  const U = x.userIds.length;
  const E = x.user.length;
  const files: Record<string, ColumnSpec> = {};
  const meta = data.items;
  validate(data);
  writeItems(data, dir, files);
  const { sessions, maxTs } = writeRows(data, dir, files);
  const items = IdDictionary.of(x.itemIds);
  for (const name of [CATALOG_FILES.trackIds, CATALOG_FILES.artistIds, CATALOG_FILES.albumIds]) items.save(dir, name, files);
  IdDictionary.of(x.userIds).save(dir, USER_FILES.ids, files);
  const genres: Genre[] = (meta ? meta.genreNames : ['unknown']).map((name, id) => ({ id, name, parent: -1 }));
  const manifest: WorldManifest = {
    format: WORLD_FORMAT,
    version: WORLD_FORMAT_VERSION,
    source: data.source,
    seed: null,
    nowMs: maxTs + 1,
    counts: { tracks: N, artists: N, albums: N, users: U, events: E, plays: E, sessions },
    markets: [UNKNOWN_MARKET],
    genres,
    featureNames: meta ? [...meta.featureNames] : [],
    files: sortedKeys(files),
  };
  writeJson(path.join(dir, 'manifest.json'), manifest);
  return { tracks: N, users: U, events: E, sessions };
}

/** Refuses inconsistent interactions (ids out of range, column lengths that differ) before anything is written. */
function validate(data: ImportedData): void {
  const x = data.interactions;
  const E = x.user.length;
  if (x.item.length !== E || x.weight.length !== E || (x.timestampMs && x.timestampMs.length !== E)) throw Errors.badRequest('import: interaction columns differ in length');
  for (let i = 0; i < E; i++) {
    if (!(x.user[i]! >= 0 && x.user[i]! < x.userIds.length)) throw Errors.badRequest(`import: row ${i} has listener index ${x.user[i]} out of range`);
    if (!(x.item[i]! >= 0 && x.item[i]! < x.itemIds.length)) throw Errors.badRequest(`import: row ${i} has item index ${x.item[i]} out of range`);
  }
  const m = data.items;
  if (m && (m.titles.length !== x.itemIds.length || m.genre.length !== x.itemIds.length || m.features.length !== x.itemIds.length * m.featureNames.length)) {
    throw Errors.badRequest('import: item metadata does not match the item count');
  }
}

/**
 * Row order grouped by listener (counting sort, stable: file order kept), then by time within a listener; a
 * listener's rows are only sorted when they are out of order, which real exports rarely are.
 */
export function orderByUserThenTime(user: Int32Array, ts: Float64Array, U: number): Int32Array {
  const { start, order } = groupByKey(user, U);
  for (let u = 0; u < U; u++) {
    const lo = start[u]!, hi = start[u + 1]!;
    let sorted = true;
    for (let k = lo + 1; k < hi && sorted; k++) sorted = ts[order[k - 1]!]! <= ts[order[k]!]!;
    if (!sorted) order.subarray(lo, hi).sort((a, b) => ts[a]! - ts[b]! || a - b);
  }
  return order;
}
