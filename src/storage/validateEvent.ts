import { EventType, type EventTypeName, type ListenEvent } from '../domain/events.js';
import { MAX_ID_BYTES, idProblem } from '../domain/ids.js';
import type { Catalog } from '../catalog/Catalog.js';

// Per-event validation for POST /v1/events. Done in code rather than one JSON schema for the batch so
// that a bad event is rejected on its own and its valid neighbours are still accepted.

export type EventCheck = { readonly kind: 'ok'; readonly event: ListenEvent } | { readonly kind: 'rejected'; readonly reason: string };

/** Events before this are almost certainly seconds, not milliseconds, since the epoch. */
const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
/** Allowed clock skew of a client into the future. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const MAX_ID_LENGTH = MAX_ID_BYTES;
/** Largest `weight` accepted (a rating or a play count). */
const MAX_WEIGHT = 1e6;

const TRACK_EVENTS = new Set<EventTypeName>(['impression', 'play_start', 'skip', 'complete', 'like', 'dislike', 'save']);

const rejected = (reason: string): EventCheck => ({ kind: 'rejected', reason });

function optionalString(o: Record<string, unknown>, field: string): string | undefined | null {
  const v = o[field];
  if (v === undefined) return undefined;
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH ? v : null;
}

/** What validateEvent reads of a catalog (a Catalog, or an importer's dictionaries while it builds one). */
export type EventCatalog = Pick<Catalog, 'trackIds' | 'trackCount' | 'artistIds' | 'artistCount'> & { readonly columns: Pick<Catalog['columns'], 'artist'> };

export interface EventCheckOptions {
  /**
   * Oldest timestamp accepted (default 2000-01-01: POST /v1/events takes live events). `encore import` of a history
   * lowers it to 1e11 ms (1973), which still refuses seconds since the epoch (MovieLens 100K is from 1997-98).
   */
  readonly minTimestampMs?: number;
}

/** Validates one raw event against the catalog; returns a clean ListenEvent (known fields only) or a reason. */
export function validateEvent(raw: unknown, catalog: EventCatalog, nowMs: number, opts: EventCheckOptions = {}): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return rejected('event must be an object');
  const o = raw as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== 'string' || !Object.hasOwn(EventType, type)) {
    return rejected(`type must be one of ${Object.keys(EventType).join(', ')}`);
  }
  const t = type as EventTypeName;
  const eventId = optionalString(o, 'eventId');
  if (eventId === undefined || eventId === null) return rejected(`eventId must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  const userProblem = idProblem(o.userId);
  if (userProblem !== null) return rejected(`userId ${userProblem}`);
  const userId = o.userId as string;
  const ts = o.timestamp;
  if (typeof ts !== 'number' || !Number.isInteger(ts)) return rejected('timestamp must be an integer (milliseconds since the epoch)');
  if (ts < (opts.minTimestampMs ?? MIN_TIMESTAMP_MS)) return rejected('timestamp must be milliseconds since the epoch (looks like seconds or too old)');
  if (ts > nowMs + MAX_FUTURE_MS) return rejected('timestamp is more than a day in the future');
  const surface = optionalString(o, 'surface');
  if (surface === null) return rejected('surface must be a non-empty string');
  const requestId = optionalString(o, 'requestId');
  if (requestId === null) return rejected('requestId must be a non-empty string');

  let trackId: string | undefined;
  let trackIndex = -1;
  if (o.trackId !== undefined) {
    const p = idProblem(o.trackId);
    if (p !== null) return rejected(`trackId ${p}`);
    trackIndex = catalog.trackIds.indexOf(o.trackId as string);
    if (trackIndex < 0 || trackIndex >= catalog.trackCount) return rejected(`unknown track "${o.trackId as string}"`);
    trackId = o.trackId as string;
  }
  let artistId: string | undefined;
  let artistIndex = -1;
  if (o.artistId !== undefined) {
    const p = idProblem(o.artistId);
    if (p !== null) return rejected(`artistId ${p}`);
    const ai = catalog.artistIds.indexOf(o.artistId as string);
    if (ai < 0 || ai >= catalog.artistCount) return rejected(`unknown artist "${o.artistId as string}"`);
    artistId = o.artistId as string;
    artistIndex = ai;
  }
  if (TRACK_EVENTS.has(t) && trackId === undefined) return rejected(`${t} needs a trackId`);
  if (t === 'follow_artist' || t === 'ban_artist') {
    // Banning "the artist of this track" is allowed: the artist is taken from the catalog.
    if (artistId === undefined && trackIndex >= 0) {
      artistIndex = catalog.columns.artist[trackIndex]!;
      artistId = catalog.artistIds.idAt(artistIndex);
    }
    if (artistId === undefined) return rejected(`${t} needs an artistId (or a trackId)`);
  }

  let position: number | undefined;
  if (o.position !== undefined) {
    if (typeof o.position !== 'number' || !Number.isFinite(o.position) || o.position < 0) return rejected('position must be a non-negative number');
    position = o.position;
  }
  if (t === 'skip' && position === undefined) return rejected('skip needs position (ms into the track)');
  if (t === 'impression') {
    if (requestId === undefined) return rejected('impression needs requestId');
    if (position === undefined || !Number.isInteger(position)) return rejected('impression needs position (slot in the feed, an integer)');
  }
  let propensity: number | undefined;
  if (o.propensity !== undefined) {
    if (typeof o.propensity !== 'number' || !(o.propensity > 0 && o.propensity <= 1)) return rejected('propensity must be in (0, 1]');
    propensity = o.propensity;
  }
  const experiment = o.experiment === undefined ? undefined : typeof o.experiment === 'string' && o.experiment.length >= 1 && o.experiment.length <= 256 ? o.experiment : null;
  const variant = o.variant === undefined ? undefined : typeof o.variant === 'string' && o.variant.length >= 1 && o.variant.length <= 256 ? o.variant : null;
  if (experiment === null || variant === null) return rejected('experiment and variant must be strings of 1-256 characters');

  let weight: number | undefined;
  if (o.weight !== undefined) {
    if (typeof o.weight !== 'number' || !(o.weight > 0 && o.weight <= MAX_WEIGHT)) return rejected(`weight must be a number in (0, ${MAX_WEIGHT}]`);
    if (t !== 'complete') return rejected('weight is only for complete events');
    weight = o.weight;
  }

  const event: ListenEvent = {
    eventId,
    type: t,
    userId,
    ...(trackId !== undefined ? { trackId } : {}),
    ...(artistId !== undefined ? { artistId } : {}),
    ...(trackIndex >= 0 ? { trackIndex } : {}),
    ...(artistIndex >= 0 ? { artistIndex } : {}),
    timestamp: ts,
    ...(surface !== undefined ? { surface } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(position !== undefined ? { position } : {}),
    ...(propensity !== undefined ? { propensity } : {}),
    ...(weight !== undefined ? { weight } : {}),
    ...(experiment !== undefined ? { experiment } : {}),
    ...(variant !== undefined ? { variant } : {}),
  };
  return { kind: 'ok', event };
}
