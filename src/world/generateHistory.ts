// Phase 3 of the world: listening history. Each listener has sessions of consecutive plays over the year before
// world "now"; each play is play_start followed by skip (at a position) or complete, sometimes followed by like,
// save, dislike or follow_artist. Outcomes are drawn from the hidden taste model (truth.ts). Events are streamed
// to disk in chunks, grouped by listener and chronological within a listener.
import { EARLY_SKIP_MS, EventType } from '../domain/events.js';
import { ColumnStream, type ColumnSpec } from './format.js';
import type { GeneratedCatalog, Progress } from './generateCatalog.js';
import { drawInGenre, type GeneratedUsers } from './generateUsers.js';
import type { GenreSpace } from './genres.js';
import { Rng, mixSeed } from './rng.js';
import { DAY_MS, HISTORY_DAYS, WORLD_NOW_MS } from './timeline.js';
import { FAV_SLOTS, TASTE_SLOTS, completeProbability, type TruthCatalogView } from './truth.js';

export const EVENT_FILES = {
  user: 'events/user.bin',
  track: 'events/track.bin',
  timestampMs: 'events/timestampMs.bin',
  type: 'events/type.bin',
  positionMs: 'events/positionMs.bin',
  session: 'events/session.bin',
  weight: 'events/weight.bin',
} as const;

/** How a listener picks the next track (documented in docs/formats.md). */
export const SESSION_MODEL = {
  meanSessionPlays: 8,
  nextOnAlbum: 0.12, // continue with the next track of the same album
  favouriteArtist: 0.12, // a track by a favourite artist
  exploration: 0.1, // any track (popularity-weighted; uniform for niche listeners)
  keepSessionGenre: 0.75, // otherwise re-draw the session's taste component
  nicheFlat: 0.6, // niche listeners draw uniformly within a genre this often
  availabilityRetries: 6,
  likeScale: 0.2, // P(like | complete) = likeScale * p^2
  saveScale: 0.1,
  followArtist: 0.03, // P(follow | complete, favourite artist)
  dislikeAfterEarlySkip: 0.06,
} as const;

export interface HistoryStats {
  events: number;
  plays: number;
  sessions: number;
  completes: number;
  skips: number;
  earlySkips: number;
}

/** One listener as the session model reads them: market, explicit setting, niche flag, favourite artists, taste slots. */
interface Listener {
  readonly u: number;
  readonly market: number;
  readonly explicitOk: boolean;
  readonly niche: boolean;
  readonly favs: Int32Array;
  readonly nf: number;
  readonly slots: number;
}

/** What picking a track needs besides the listener: the catalog, the genre tree and the hidden taste. */
interface PickContext {
  readonly cat: GeneratedCatalog;
  readonly space: GenreSpace;
  readonly rootLeaves: readonly number[][];
  readonly truth: GeneratedUsers['truth'];
}

/** The listener's planned plays cut into sessions (geometric lengths) and their start offsets in the free time, sorted. */
class SessionPlan {
  lengths = new Int32Array(1024);
  starts = new Float64Array(1024);
  count = 0;

  plan(rng: Rng, plays: number, windowMs: number): void {
    const pSessionEnd = 1 / SESSION_MODEL.meanSessionPlays;
    let n = 0;
    for (let left = plays; left > 0; n++) {
      const len = Math.min(left, 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - pSessionEnd)));
      if (n === this.lengths.length) {
        const grown = new Int32Array(n * 2);
        grown.set(this.lengths);
        this.lengths = grown;
        this.starts = new Float64Array(n * 2);
      }
      this.lengths[n] = len;
      left -= len;
    }
    this.count = n;
    const free = Math.max(0, windowMs - plays * 300_000);
    const starts = this.starts.subarray(0, n);
    for (let k = 0; k < n; k++) starts[k] = rng.next() * free;
    starts.sort();
  }
}

/** One candidate for the next play: the album's next track, a favourite artist's, an exploration pick, or the session's genre. */
function candidateTrack(rng: Rng, x: PickContext, l: Listener, prev: number, session: { focus: number }): number {
  const { cat, truth } = x;
  const M = SESSION_MODEL;
  const N = cat.trackCount;
  if (prev >= 0 && prev + 1 < N && cat.album[prev + 1] === cat.album[prev] && rng.chance(M.nextOnAlbum)) return prev + 1;
  const r = rng.next();
  if (r < M.favouriteArtist && l.nf > 0) {
    const a = l.favs[rng.int(l.nf)]!;
    const lo = cat.artistFirst[a]!;
    const n = cat.artistFirst[a + 1]! - lo;
    const c1 = lo + rng.int(n);
    const c2 = lo + rng.int(n);
    return cat.popularity[c1]! >= cat.popularity[c2]! ? c1 : c2; // two choices: a mild popularity bias
  }
  if (r < M.favouriteArtist + M.exploration) return l.niche ? rng.int(N) : drawInGenre(rng, cat, 0, N, false);
  if (!rng.chance(M.keepSessionGenre)) session.focus = pickComponent(rng, truth.tasteWeight, l.u * TASTE_SLOTS, l.slots);
  let g: number = truth.tasteGenre[l.u * TASTE_SLOTS + session.focus]!;
  if (x.space.parent[g]! < 0) {
    const leaves = x.rootLeaves[g]!;
    g = leaves[rng.int(leaves.length)]!;
  }
  return drawInGenre(rng, cat, cat.genreStart[g]!, cat.genreStart[g + 1]!, l.niche && rng.chance(M.nicheFlat));
}

/** The next track available to the listener (market, explicit setting), or -1 after availabilityRetries candidates. */
function nextTrack(rng: Rng, x: PickContext, l: Listener, prev: number, session: { focus: number }): number {
  for (let attempt = 0; attempt < SESSION_MODEL.availabilityRetries; attempt++) {
    const c = candidateTrack(rng, x, l, prev, session);
    if (c >= 0 && ((x.cat.markets[c]! >>> l.market) & 1) === 1 && (l.explicitOk || x.cat.explicit[c] === 0)) return c;
  }
  return -1;
}

type Emit = (track: number, ts: number, type: number, pos: number) => void;

/** One play of track t at ts: its start, then complete (and maybe like, save, follow) or skip (and maybe dislike); returns when it ended. */
function play(rng: Rng, x: PickContext, l: Listener, t: number, ts: number, pc: number, emit: Emit, stats: HistoryStats): number {
  const M = SESSION_MODEL;
  const dur = x.cat.durationMs[t]!;
  stats.plays++;
  emit(t, ts, EventType.play_start, 0);
  if (rng.next() < pc) {
    stats.completes++;
    ts += dur;
    emit(t, ts, EventType.complete, 0);
    if (rng.next() < M.likeScale * pc * pc) emit(t, ts, EventType.like, 0);
    if (rng.next() < M.saveScale * pc * pc) emit(t, ts, EventType.save, 0);
    if (rng.next() < M.followArtist && isFavourite(l.favs, l.nf, x.cat.artist[t]!)) emit(t, ts, EventType.follow_artist, 0);
    return ts;
  }
  stats.skips++;
  // low affinity -> early skip ("not for me"); otherwise a late skip somewhere after 30 s
  const early = rng.next() < Math.min(0.95, Math.max(0.2, 1.25 * (1 - pc)));
  let pos: number;
  if (early || dur <= EARLY_SKIP_MS + 5_000) {
    pos = 1_000 + Math.floor(rng.next() * Math.min(EARLY_SKIP_MS - 1_001, dur - 1_000));
    stats.earlySkips++;
  } else pos = EARLY_SKIP_MS + Math.floor(rng.next() * (dur - EARLY_SKIP_MS - 2_000));
  ts += pos;
  emit(t, ts, EventType.skip, pos);
  if (pos < EARLY_SKIP_MS && rng.next() < M.dislikeAfterEarlySkip) emit(t, ts, EventType.dislike, 0);
  return ts;
}

/** Listener u's favourite artists and taste slots, read into `favs` (reused). */
function listenerOf(users: GeneratedUsers, u: number, favs: Int32Array): Listener {
  const truth = users.truth;
  let nf = 0;
  for (let k = 0; k < FAV_SLOTS; k++) {
    const a = truth.favArtist[u * FAV_SLOTS + k]!;
    if (a >= 0) favs[nf++] = a;
  }
  let slots = 0;
  while (slots < TASTE_SLOTS && truth.tasteGenre[u * TASTE_SLOTS + slots]! >= 0) slots++;
  return { u, market: users.market[u]!, explicitOk: users.explicitOk[u] === 1, niche: truth.niche[u] === 1, favs, nf, slots };
}

export function generateHistory(seed: number, space: GenreSpace, cat: GeneratedCatalog, users: GeneratedUsers, dir: string, files: Record<string, ColumnSpec>, onProgress?: Progress): HistoryStats {
  const rng = new Rng(seed);
  const truth = users.truth;
  const view: TruthCatalogView = { columns: { genre: cat.genre, artist: cat.artist, features: cat.features, popularity: cat.popularity } };
  const rootLeaves: number[][] = space.genres.filter((g) => g.parent < 0).map(() => []);
  for (const g of space.genres) if (g.parent >= 0) rootLeaves[g.parent]!.push(g.id);
  const pick: PickContext = { cat, space, rootLeaves, truth };

  const sUser = new ColumnStream(dir, EVENT_FILES.user, 'int32');
  const sTrack = new ColumnStream(dir, EVENT_FILES.track, 'int32');
  const sTs = new ColumnStream(dir, EVENT_FILES.timestampMs, 'float64');
  const sType = new ColumnStream(dir, EVENT_FILES.type, 'uint8');
  const sPos = new ColumnStream(dir, EVENT_FILES.positionMs, 'int32');
  const sSession = new ColumnStream(dir, EVENT_FILES.session, 'int32');
  const stats: HistoryStats = { events: 0, plays: 0, sessions: 0, completes: 0, skips: 0, earlySkips: 0 };
  let u = 0;
  let session = 0;
  const emit: Emit = (track, ts, type, pos) => {
    sUser.push(u);
    sTrack.push(track);
    sTs.push(ts);
    sType.push(type);
    sPos.push(pos);
    sSession.push(session);
    stats.events++;
  };
  const plan = new SessionPlan();
  const favs = new Int32Array(FAV_SLOTS);
  for (u = 0; u < users.count; u++) {
    rng.reseed(mixSeed(seed, 4, u));
    const l = listenerOf(users, u, favs);
    const windowStart = Math.max(users.signupDay[u]! * DAY_MS, WORLD_NOW_MS - HISTORY_DAYS * DAY_MS);
    // split the planned plays into sessions and spread the sessions over the listener's window without overlap
    plan.plan(rng, users.plannedPlays[u]!, WORLD_NOW_MS - windowStart);
    let used = 0; // ms consumed by earlier sessions
    let done = false;
    for (let s = 0; s < plan.count && !done; s++) {
      let ts = windowStart + plan.starts[s]! + used;
      const begin = ts;
      const state = { focus: pickComponent(rng, truth.tasteWeight, u * TASTE_SLOTS, l.slots) };
      let prev = -1;
      let played = 0;
      for (let p = 0; p < plan.lengths[s]!; p++) {
        const t = nextTrack(rng, pick, l, prev, state);
        if (t < 0) continue;
        if (ts + cat.durationMs[t]! >= WORLD_NOW_MS) {
          done = true;
          break;
        }
        played++;
        ts = play(rng, pick, l, t, ts, completeProbability(truth, view, u, t), emit, stats);
        ts += 500 + rng.int(2_500); // gap before the next play
        prev = t;
      }
      used += ts - begin;
      if (played > 0) {
        session++;
        stats.sessions++;
      }
    }
    if ((u & 0x3fff) === 0) onProgress?.('history', u, users.count);
  }
  onProgress?.('history', users.count, users.count);
  for (const stream of [sUser, sTrack, sTs, sType, sPos, sSession]) stream.close(files);
  return stats;
}

function pickComponent(rng: Rng, weights: Float32Array, base: number, slots: number): number {
  let x = rng.next();
  for (let k = 0; k < slots - 1; k++) {
    x -= weights[base + k]!;
    if (x < 0) return k;
  }
  return Math.max(0, slots - 1);
}

function isFavourite(favs: Int32Array, nf: number, a: number): boolean {
  for (let k = 0; k < nf; k++) if (favs[k] === a) return true;
  return false;
}
