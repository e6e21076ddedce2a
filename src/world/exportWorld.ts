// `encore world … --export jsonl [--ids uuid|native]`: writes a world as the three files `encore import --format jsonl`
// reads: DIR/export/tracks.jsonl (one track object a line, the schema of PUT /v1/tracks), DIR/export/users.jsonl (one
// listener profile a line, every listener in index order: {"id", "market", "explicit"}, the body of PUT /v1/users/{id}
// plus the id) and DIR/export/events.jsonl (one POST /v1/events object a line), streamed through an 8 MiB buffer. So the import path can be measured at full scale,
// and the tests can check that importing the export gives back the same world up to the id mapping.
//
// Ids: `native` keeps the world's own ids (t123, a6, al9, u45); `uuid` gives every track, artist, album, listener and
// event a random version-4 UUID, deterministic for the seed: one sfc32 stream per kind (src/world/rng.ts), seeded
// from the world's seed, 122 random bits per id drawn in index order (a table of 16 bytes per id, 175 MB at full
// scale; per-index reseeding would have only 32 bits of seed and collide at millions of ids).
//
// Lossy on purpose, as an app's export would be: listeners' signup days, sessions
// (the import re-derives them from 30-minute gaps) and the hidden truth are not written; timestamps are whole ms
// (the generator's are fractional: POST /v1/events takes integers), an imported world's event weights (ratings).
// A track available everywhere has no `markets`.
import fs from 'node:fs';
import path from 'node:path';
import { EventType, eventTypeName } from '../domain/events.js';
import { Errors } from '../domain/errors.js';
import type { Progress } from './generateCatalog.js';
import { Rng, mixSeed } from './rng.js';
import { DAY_MS } from './timeline.js';
import { openWorld, type World } from './World.js';

export type ExportIds = 'uuid' | 'native';

export interface ExportOptions {
  readonly ids: ExportIds;
  /** Seed of the UUIDs (the world's seed by default). */
  readonly seed?: number;
  /** Output folder (default DIR/export). */
  readonly out?: string;
  readonly onProgress?: Progress;
}

export interface ExportSummary {
  readonly dir: string;
  readonly tracksFile: string;
  readonly eventsFile: string;
  readonly usersFile: string;
  readonly tracks: number;
  readonly users: number;
  readonly events: number;
  readonly bytes: number;
  readonly seconds: number;
}

export const EXPORT_FILES = { tracks: 'tracks.jsonl', users: 'users.jsonl', events: 'events.jsonl' } as const;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex32 = (w: number): string => HEX[w >>> 24]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
const hex16 = (w: number): string => HEX[(w >>> 8) & 255]! + HEX[w & 255]!;

/** A version-4 UUID from four random 32-bit words (version and variant bits set). */
export function uuidFromWords(w0: number, w1: number, w2: number, w3: number): string {
  const b = ((w1 & 0xffff0fff) | 0x00004000) >>> 0;
  const c = ((w2 & 0x3fffffff) | 0x80000000) >>> 0;
  return `${hex32(w0 >>> 0)}-${hex16(b >>> 16)}-${hex16(b)}-${hex16(c >>> 16)}-${hex16(c)}${hex32(w3 >>> 0)}`;
}

/** `count` UUIDs of one kind, deterministic for (seed, kind), as a function of the index. */
function uuidTable(seed: number, kind: number, count: number): (i: number) => string {
  const rng = new Rng(mixSeed(seed, 0x5e7, kind));
  const words = new Uint32Array(count * 4);
  for (let i = 0; i < words.length; i++) words[i] = rng.nextU32();
  return (i) => uuidFromWords(words[4 * i]!, words[4 * i + 1]!, words[4 * i + 2]!, words[4 * i + 3]!);
}

export interface ExportIdMaps {
  readonly track: (index: number) => string;
  readonly artist: (index: number) => string;
  readonly album: (index: number) => string;
  readonly user: (index: number) => string;
}

/** The ids an export gives a world's tracks, artists, albums and listeners (by dense index). */
export function exportIdMaps(world: World, ids: ExportIds, seed: number): ExportIdMaps {
  if (ids !== 'uuid' && ids !== 'native') throw Errors.badRequest(`--ids must be uuid or native, got "${String(ids)}"`);
  const c = world.catalog;
  if (ids === 'native') return { track: (i) => c.trackIds.idAt(i), artist: (i) => c.artistIds.idAt(i), album: (i) => c.albumIds.idAt(i), user: (i) => world.users.ids.idAt(i) };
  return { track: uuidTable(seed, 1, c.trackCount), artist: uuidTable(seed, 2, c.artistCount), album: uuidTable(seed, 3, c.albumCount), user: uuidTable(seed, 4, world.users.count) };
}

/** Appends lines to a file through one 8 MiB buffer (no string per chunk, no array of lines). */
class LineWriter {
  private readonly buf = Buffer.allocUnsafe(1 << 23);
  private fill = 0;
  bytes = 0;
  private readonly fd: number;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  line(s: string): void {
    if (this.fill + 3 * s.length + 1 > this.buf.length) this.flush();
    if (3 * s.length + 1 > this.buf.length) {
      const b = Buffer.from(`${s}\n`, 'utf8');
      fs.writeSync(this.fd, b);
      this.bytes += b.length;
      return;
    }
    this.fill += this.buf.write(s, this.fill, 'utf8');
    this.buf[this.fill++] = 10;
  }
  private flush(): void {
    for (let off = 0; off < this.fill; ) off += fs.writeSync(this.fd, this.buf, off, this.fill - off);
    this.bytes += this.fill;
    this.fill = 0;
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** Writes the world in `worldDir` as tracks.jsonl + events.jsonl (into DIR/export unless `out`), atomically. */
export function exportWorld(worldDir: string, opts: ExportOptions): ExportSummary {
  const started = performance.now();
  const world = openWorld(worldDir);
  const out = path.resolve(opts.out ?? path.join(world.dir, 'export'));
  const tmp = `${out}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const s = writeExport(world, tmp, opts);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
    return { ...s, dir: out, tracksFile: path.join(out, EXPORT_FILES.tracks), eventsFile: path.join(out, EXPORT_FILES.events), usersFile: path.join(out, EXPORT_FILES.users), seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function writeExport(world: World, dir: string, opts: ExportOptions): { tracks: number; users: number; events: number; bytes: number } {
  const c = world.catalog;
  const col = c.columns;
  const N = c.trackCount;
  const seed = (opts.seed ?? world.manifest.seed ?? 0) >>> 0;
  const uuid = opts.ids === 'uuid';
  const { track: trackId, artist: artistId, album: albumId, user: userId } = exportIdMaps(world, opts.ids, seed);
  const eventRng = new Rng(mixSeed(seed, 0x5e7, 5));
  let eventSeq = 0;
  const eventId = uuid
    ? () => uuidFromWords(eventRng.nextU32(), eventRng.nextU32(), eventRng.nextU32(), eventRng.nextU32())
    : () => `e${eventSeq++}`;

  const genreName = c.genres.map((g) => (g.parent >= 0 ? `${c.genres[g.parent]!.name}/${g.name}` : g.name));
  const marketLists = Array.from({ length: c.marketSets.count }, (_, s) => (c.marketSets.isEverywhere(s) ? null : c.marketSets.members(s, c.markets.length).map((m) => c.markets[m]!)));
  const dim = c.featureDim;
  const names = c.featureNames;
  const total = N + world.events.count;
  // Lines are built as text (JSON.stringify of an object a line spent most of its time in the garbage collector).
  // UUIDs need no escaping; native ids, names and titles go through JSON.stringify.
  const q = uuid ? (id: string): string => `"${id}"` : (id: string): string => JSON.stringify(id);
  const genreJson = genreName.map((n) => JSON.stringify([n]));
  const marketJson = marketLists.map((m) => (m === null ? '' : `,"markets":${JSON.stringify(m)}`));
  const featureKeys = names.map((n) => `${JSON.stringify(n)}:`);
  const tw = new LineWriter(path.join(dir, EXPORT_FILES.tracks));
  for (let t = 0; t < N; t++) {
    const a = col.artist[t]!;
    const al = col.album[t]!;
    let line =
      `{"id":${q(trackId(t))},"title":${JSON.stringify(c.trackTitle(t as never))},"artist":{"id":${q(artistId(a))},"name":${JSON.stringify(c.artistName(a as never))}},` +
      `"album":{"id":${q(albumId(al))},"name":${JSON.stringify(c.albumTitle(al as never))}},"genres":${genreJson[col.genre[t]!]}`;
    const day = col.releaseDay[t]!;
    if (day !== 0) line += `,"releaseDate":"${new Date(day * DAY_MS).toISOString().slice(0, 10)}"`;
    line += `,"durationMs":${col.durationMs[t]!},"explicit":${col.explicit[t] === 1}${marketJson[col.marketSet[t]!]}`;
    if (dim > 0) {
      line += ',"features":{';
      for (let k = 0; k < dim; k++) line += `${k > 0 ? ',' : ''}${featureKeys[k]}${col.features[t * dim + k]!}`;
      line += '}';
    }
    tw.line(`${line},"popularity":${col.popularity[t]!}}`);
    if ((t & 0xffff) === 0) opts.onProgress?.('export', t, total);
  }
  tw.close();
  const uw = writeUsers(world, path.join(dir, EXPORT_FILES.users), q, userId);

  const ev = world.events;
  const typeJson = Array.from({ length: 256 }, (_, code) => JSON.stringify(eventTypeName(code) ?? 'complete'));
  const ew = new LineWriter(path.join(dir, EXPORT_FILES.events));
  for (let i = 0; i < ev.count; i++) {
    const type = ev.type[i]!;
    const extra = type === EventType.skip ? `,"position":${ev.positionMs[i]!}` : type === EventType.impression ? ',"requestId":"export","position":0' : '';
    ew.line(`{"eventId":${q(eventId())},"type":${typeJson[type]},"userId":${q(userId(ev.user[i]!))},"trackId":${q(trackId(ev.track[i]!))},"timestamp":${Math.floor(ev.timestampMs[i]!)}${extra}}`);
    if ((i & 0xfffff) === 0) opts.onProgress?.('export', N + i, total);
  }
  ew.close();
  opts.onProgress?.('export', total, total);
  return { tracks: N, users: world.users.count, events: ev.count, bytes: tw.bytes + uw.bytes + ew.bytes };
}

/** users.jsonl: every listener in index order, with its market code and explicit setting (no onboarding genres). */
function writeUsers(world: World, file: string, q: (id: string) => string, userId: (u: number) => string): LineWriter {
  const u = world.users;
  const markets = world.catalog.markets.map((m) => JSON.stringify(m));
  const w = new LineWriter(file);
  for (let i = 0; i < u.count; i++) w.line(`{"id":${q(userId(i))},"market":${markets[u.market[i]!] ?? markets[0]},"explicit":${u.explicitOk[i] === 1}}`);
  w.close();
  return w;
}
