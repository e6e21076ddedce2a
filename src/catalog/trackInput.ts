// The track object an app sends: one line of `encore import --format jsonl --catalog`, one row of the CSV form, one
// item of PUT /v1/tracks. Checked here, once, for all three, so an import and a live change accept the same tracks.
//
// What a missing optional field means:
//   album        the track is a single: album id "<track id>" in the album namespace, named after the track
//   genres       no genre ("unknown"); the first genre listed is the track's primary genre (the one the models use)
//   releaseDate  unknown (day 0)
//   durationMs   unknown (210 000 ms is assumed for listening-time figures)
//   explicit     false
//   markets      available everywhere, including markets that appear later
//   features     none: the cold-start vector uses artist, album and genre
import { idProblem } from '../domain/ids.js';
import { MARKET_CODE_PATTERN } from './MarketSets.js';

export interface TrackInput {
  readonly id: string;
  readonly title?: string;
  readonly artist?: { readonly id: string; readonly name?: string };
  readonly album?: { readonly id: string; readonly name?: string };
  /** Genre names; `parent/child` builds the hierarchy (e.g. "rock/indie rock"). */
  readonly genres?: readonly string[];
  /** YYYY-MM-DD */
  readonly releaseDate?: string;
  readonly durationMs?: number;
  readonly explicit?: boolean;
  /** ISO 3166-1 alpha-2 codes where the track may be played; absent = everywhere. */
  readonly markets?: readonly string[];
  /** Content features by name (the catalog's feature names; unknown names are an error on a live catalog). */
  readonly features?: Readonly<Record<string, number>>;
  /** In [0, 1]; imports compute it from the events when absent. */
  readonly popularity?: number;
  /** Set by DELETE /v1/tracks/{id} only: never serve the track again, in any market. */
  readonly takedown?: true;
}

export type TrackCheck = { readonly kind: 'ok'; readonly track: TrackInput } | { readonly kind: 'rejected'; readonly field: string; readonly reason: string };

export const MAX_TITLE_LENGTH = 1000;
export const MAX_GENRES_PER_TRACK = 20;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MARKET = new RegExp(MARKET_CODE_PATTERN);
const bad = (field: string, reason: string): TrackCheck => ({ kind: 'rejected', field, reason });

/** Genre path segments: "rock/indie rock" -> ["rock", "indie rock"] (trimmed, lower case), or null when malformed. */
export function genrePath(name: string): string[] | null {
  const parts = name.split('/').map((p) => p.trim().toLowerCase());
  if (parts.length > 2 || parts.some((p) => p.length === 0 || p.length > 100)) return null;
  return parts;
}

function checkNamed(o: unknown, field: string): { id: string; name?: string } | string {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return `${field} must be an object {id, name}`;
  const r = o as Record<string, unknown>;
  const p = idProblem(r.id);
  if (p !== null) return `${field}.id ${p}`;
  if (r.name !== undefined && (typeof r.name !== 'string' || r.name.length === 0 || r.name.length > MAX_TITLE_LENGTH)) return `${field}.name must be a non-empty string of at most ${MAX_TITLE_LENGTH} characters`;
  return { id: r.id as string, ...(typeof r.name === 'string' ? { name: r.name } : {}) };
}

/** Checks one raw track object; returns a clean TrackInput (known fields only) or the first problem found. */
export function checkTrackInput(raw: unknown): TrackCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('track', 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  const idp = idProblem(o.id);
  if (idp !== null) return bad('id', idp);
  const t: { -readonly [K in keyof TrackInput]: TrackInput[K] } = { id: o.id as string };
  if (o.title !== undefined) {
    if (typeof o.title !== 'string' || o.title.length === 0 || o.title.length > MAX_TITLE_LENGTH) return bad('title', `must be a non-empty string of at most ${MAX_TITLE_LENGTH} characters`);
    t.title = o.title;
  }
  for (const f of ['artist', 'album'] as const) {
    if (o[f] === undefined) continue;
    const n = checkNamed(o[f], f);
    if (typeof n === 'string') return bad(f, n);
    t[f] = n;
  }
  if (o.genres !== undefined) {
    if (!Array.isArray(o.genres) || o.genres.length > MAX_GENRES_PER_TRACK) return bad('genres', `must be an array of at most ${MAX_GENRES_PER_TRACK} genre names`);
    for (const g of o.genres) if (typeof g !== 'string' || genrePath(g) === null) return bad('genres', `${JSON.stringify(g)} is not a genre name ("name" or "parent/child", each 1-100 characters)`);
    t.genres = o.genres as string[];
  }
  if (o.releaseDate !== undefined) {
    if (typeof o.releaseDate !== 'string' || !DATE.test(o.releaseDate) || !Number.isFinite(Date.parse(`${o.releaseDate}T00:00:00Z`))) return bad('releaseDate', 'must be a date YYYY-MM-DD');
    t.releaseDate = o.releaseDate;
  }
  if (o.durationMs !== undefined) {
    if (!(typeof o.durationMs === 'number' && Number.isInteger(o.durationMs) && o.durationMs > 0 && o.durationMs < 2 ** 31)) return bad('durationMs', 'must be a positive integer (milliseconds)');
    t.durationMs = o.durationMs;
  }
  if (o.explicit !== undefined) {
    if (typeof o.explicit !== 'boolean') return bad('explicit', 'must be true or false');
    t.explicit = o.explicit;
  }
  if (o.markets !== undefined) {
    if (!Array.isArray(o.markets)) return bad('markets', 'must be an array of ISO 3166-1 alpha-2 codes');
    for (const m of o.markets) if (typeof m !== 'string' || !MARKET.test(m)) return bad('markets', `${JSON.stringify(m)} is not an ISO 3166-1 alpha-2 code (two capital letters)`);
    t.markets = o.markets as string[];
  }
  if (o.features !== undefined) {
    if (typeof o.features !== 'object' || o.features === null || Array.isArray(o.features)) return bad('features', 'must be an object of name: number');
    for (const [k, v] of Object.entries(o.features)) if (typeof v !== 'number' || !Number.isFinite(v)) return bad('features', `${JSON.stringify(k)} must be a finite number`);
    t.features = o.features as Record<string, number>;
  }
  if (o.popularity !== undefined) {
    if (!(typeof o.popularity === 'number' && o.popularity >= 0 && o.popularity <= 1)) return bad('popularity', 'must be a number in [0, 1]');
    t.popularity = o.popularity;
  }
  if (o.takedown === true) t.takedown = true;
  return { kind: 'ok', track: t };
}

/** The album a track without one belongs to (a single named after it). */
export const singleAlbumId = (trackId: string): string => trackId;
