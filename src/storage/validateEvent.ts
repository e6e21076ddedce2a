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

/** A field group's checked values, or why the event is refused (a string: cheap to tell apart on the hot path). */
type Checked<T> = T | string;

/** What every event has: type, eventId, userId, timestamp, and the optional surface and requestId. */
function checkEnvelope(o: Record<string, unknown>, nowMs: number, minTimestampMs: number): Checked<{ t: EventTypeName; eventId: string; userId: string; ts: number; surface: string | undefined; requestId: string | undefined }> {
  const type = o.type;
  if (typeof type !== 'string' || !Object.hasOwn(EventType, type)) return `type must be one of ${Object.keys(EventType).join(', ')}`;
  const eventId = optionalString(o, 'eventId');
  if (eventId === undefined || eventId === null) return `eventId must be a non-empty string of at most ${MAX_ID_LENGTH} characters`;
  const userProblem = idProblem(o.userId);
  if (userProblem !== null) return `userId ${userProblem}`;
  const ts = o.timestamp;
  if (typeof ts !== 'number' || !Number.isInteger(ts)) return 'timestamp must be an integer (milliseconds since the epoch)';
  if (ts < minTimestampMs) return 'timestamp must be milliseconds since the epoch (looks like seconds or too old)';
  if (ts > nowMs + MAX_FUTURE_MS) return 'timestamp is more than a day in the future';
  const surface = optionalString(o, 'surface');
  if (surface === null) return 'surface must be a non-empty string';
  const requestId = optionalString(o, 'requestId');
  if (requestId === null) return 'requestId must be a non-empty string';
  return { t: type as EventTypeName, eventId, userId: o.userId as string, ts, surface, requestId };
}

/** The track and the artist the event is about, known to the catalog, as each type needs them. */
function checkTarget(o: Record<string, unknown>, t: EventTypeName, catalog: EventCatalog): Checked<{ trackId: string | undefined; trackIndex: number; artistId: string | undefined; artistIndex: number }> {
  let trackId: string | undefined;
  let trackIndex = -1;
  if (o.trackId !== undefined) {
    const p = idProblem(o.trackId);
    if (p !== null) return `trackId ${p}`;
    trackIndex = catalog.trackIds.indexOf(o.trackId as string);
    if (trackIndex < 0 || trackIndex >= catalog.trackCount) return `unknown track "${o.trackId as string}"`;
    trackId = o.trackId as string;
  }
  let artistId: string | undefined;
  let artistIndex = -1;
  if (o.artistId !== undefined) {
    const p = idProblem(o.artistId);
    if (p !== null) return `artistId ${p}`;
    const ai = catalog.artistIds.indexOf(o.artistId as string);
    if (ai < 0 || ai >= catalog.artistCount) return `unknown artist "${o.artistId as string}"`;
    artistId = o.artistId as string;
    artistIndex = ai;
  }
  if (TRACK_EVENTS.has(t) && trackId === undefined) return `${t} needs a trackId`;
  if (t === 'follow_artist' || t === 'ban_artist') {
    // Banning "the artist of this track" is allowed: the artist is taken from the catalog.
    if (artistId === undefined && trackIndex >= 0) {
      artistIndex = catalog.columns.artist[trackIndex]!;
      artistId = catalog.artistIds.idAt(artistIndex);
    }
    if (artistId === undefined) return `${t} needs an artistId (or a trackId)`;
  }
  return { trackId, trackIndex, artistId, artistIndex };
}

/** An experiment or variant name: undefined when absent, null when not 1-256 characters. */
function label(v: unknown): string | undefined | null {
  return v === undefined ? undefined : typeof v === 'string' && v.length >= 1 && v.length <= 256 ? v : null;
}

/** The optional fields: position (required for skips and impressions), propensity, experiment and variant, weight. */
function checkDetails(o: Record<string, unknown>, t: EventTypeName, requestId: string | undefined): Checked<{ position: number | undefined; propensity: number | undefined; weight: number | undefined; experiment: string | undefined; variant: string | undefined }> {
  let position: number | undefined;
  if (o.position !== undefined) {
    if (typeof o.position !== 'number' || !Number.isFinite(o.position) || o.position < 0) return 'position must be a non-negative number';
    position = o.position;
  }
  if (t === 'skip' && position === undefined) return 'skip needs position (ms into the track)';
  if (t === 'impression') {
    if (requestId === undefined) return 'impression needs requestId';
    if (position === undefined || !Number.isInteger(position)) return 'impression needs position (slot in the feed, an integer)';
  }
  let propensity: number | undefined;
  if (o.propensity !== undefined) {
    if (typeof o.propensity !== 'number' || !(o.propensity > 0 && o.propensity <= 1)) return 'propensity must be in (0, 1]';
    propensity = o.propensity;
  }
  const experiment = label(o.experiment);
  const variant = label(o.variant);
  if (experiment === null || variant === null) return 'experiment and variant must be strings of 1-256 characters';
  let weight: number | undefined;
  if (o.weight !== undefined) {
    if (typeof o.weight !== 'number' || !(o.weight > 0 && o.weight <= MAX_WEIGHT)) return `weight must be a number in (0, ${MAX_WEIGHT}]`;
    if (t !== 'complete') return 'weight is only for complete events';
    weight = o.weight;
  }
  return { position, propensity, weight, experiment, variant };
}

/** Validates one raw event against the catalog; returns a clean ListenEvent (known fields only) or a reason. */
export function validateEvent(raw: unknown, catalog: EventCatalog, nowMs: number, opts: EventCheckOptions = {}): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return rejected('event must be an object');
  const o = raw as Record<string, unknown>;
  const head = checkEnvelope(o, nowMs, opts.minTimestampMs ?? MIN_TIMESTAMP_MS);
  if (typeof head === 'string') return rejected(head);
  const target = checkTarget(o, head.t, catalog);
  if (typeof target === 'string') return rejected(target);
  const details = checkDetails(o, head.t, head.requestId);
  if (typeof details === 'string') return rejected(details);
  // Key order as the stored events have always had it.
  const event: ListenEvent = {
    eventId: head.eventId,
    type: head.t,
    userId: head.userId,
    ...(target.trackId !== undefined ? { trackId: target.trackId } : {}),
    ...(target.artistId !== undefined ? { artistId: target.artistId } : {}),
    ...(target.trackIndex >= 0 ? { trackIndex: target.trackIndex } : {}),
    ...(target.artistIndex >= 0 ? { artistIndex: target.artistIndex } : {}),
    timestamp: head.ts,
    ...(head.surface !== undefined ? { surface: head.surface } : {}),
    ...(head.requestId !== undefined ? { requestId: head.requestId } : {}),
    ...(details.position !== undefined ? { position: details.position } : {}),
    ...(details.propensity !== undefined ? { propensity: details.propensity } : {}),
    ...(details.weight !== undefined ? { weight: details.weight } : {}),
    ...(details.experiment !== undefined ? { experiment: details.experiment } : {}),
    ...(details.variant !== undefined ? { variant: details.variant } : {}),
  };
  return { kind: 'ok', event };
}
