import { EARLY_SKIP_MS, type ListenEvent } from '../domain/events.js';
import type { ListenerProfile, ListenerState } from './interfaces.js';

// How each event type changes a listener's online state. Pure and shared by every ListenerStateStore
// backend (memory, LMDB, Redis), so all of them agree on what "the next feed reflects it" means.

/** A session ends after this long without events. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** Bounds keep one listener's state small (it is read on every feed request). */
export const MAX_RECENT_TRACKS = 100;
export const MAX_SESSION_TRACKS = 200;
export const MAX_TRACK_LIST = 2_000;
export const MAX_ARTIST_LIST = 1_000;

/** A mutable copy of ListenerState used while applying a batch. */
export interface MutableListenerState {
  userId: string;
  recentTracks: number[];
  recentTimestamps: number[];
  sessionStartedAt: number;
  lastEventAt: number;
  sessionSkipStreak: number;
  sessionSkipped: number[];
  sessionPlayed: number[];
  likedTracks: number[];
  dislikedTracks: number[];
  bannedArtists: number[];
  followedArtists: number[];
  profile?: ListenerProfile;
}

export function emptyListenerState(userId: string): MutableListenerState {
  return {
    userId,
    recentTracks: [],
    recentTimestamps: [],
    sessionStartedAt: 0,
    lastEventAt: 0,
    sessionSkipStreak: 0,
    sessionSkipped: [],
    sessionPlayed: [],
    likedTracks: [],
    dislikedTracks: [],
    bannedArtists: [],
    followedArtists: [],
  };
}

export function cloneListenerState(s: ListenerState): MutableListenerState {
  return {
    userId: s.userId,
    recentTracks: s.recentTracks.slice(),
    recentTimestamps: s.recentTimestamps.slice(),
    sessionStartedAt: s.sessionStartedAt,
    lastEventAt: s.lastEventAt,
    sessionSkipStreak: s.sessionSkipStreak,
    sessionSkipped: s.sessionSkipped.slice(),
    sessionPlayed: s.sessionPlayed.slice(),
    likedTracks: s.likedTracks.slice(),
    dislikedTracks: s.dislikedTracks.slice(),
    bannedArtists: s.bannedArtists.slice(),
    followedArtists: s.followedArtists.slice(),
    ...(s.profile !== undefined ? { profile: s.profile } : {}),
  };
}

/** Moves `x` to the front of a bounded newest-first list (no duplicates). */
function pushFront(list: number[], x: number, max: number): void {
  const at = list.indexOf(x);
  if (at >= 0) list.splice(at, 1);
  list.unshift(x);
  if (list.length > max) list.length = max;
}

function remove(list: number[], x: number): void {
  const at = list.indexOf(x);
  if (at >= 0) list.splice(at, 1);
}

function recordPlay(s: MutableListenerState, track: number, ts: number): void {
  const at = s.recentTracks.indexOf(track);
  if (at >= 0) {
    s.recentTracks.splice(at, 1);
    s.recentTimestamps.splice(at, 1);
  }
  s.recentTracks.unshift(track);
  s.recentTimestamps.unshift(ts);
  if (s.recentTracks.length > MAX_RECENT_TRACKS) {
    s.recentTracks.length = MAX_RECENT_TRACKS;
    s.recentTimestamps.length = MAX_RECENT_TRACKS;
  }
}

/**
 * Applies one validated event to `s` in place. Events for other listeners are ignored.
 * Impressions are not listener activity: they neither touch the session nor the lists.
 */
export function applyEvent(s: MutableListenerState, ev: ListenEvent): void {
  if (ev.userId !== s.userId || ev.type === 'impression') return;
  const ts = ev.timestamp;
  // A late (out-of-order) event still updates the lists but never reopens or restarts a session.
  if (ts > s.lastEventAt) {
    if (s.lastEventAt === 0 || ts - s.lastEventAt > SESSION_IDLE_MS) {
      s.sessionStartedAt = ts;
      s.sessionSkipStreak = 0;
      s.sessionSkipped.length = 0;
      s.sessionPlayed.length = 0;
    }
    s.lastEventAt = ts;
  }
  // Indices resolved by validateEvent; an event without them (not validated against a catalog) changes no list.
  const track = ev.trackIndex ?? null;
  const artist = ev.artistIndex ?? null;
  switch (ev.type) {
    case 'play_start':
      if (track === null) return;
      recordPlay(s, track, ts);
      pushFront(s.sessionPlayed, track, MAX_SESSION_TRACKS);
      return;
    case 'complete':
      if (track === null) return;
      recordPlay(s, track, ts);
      pushFront(s.sessionPlayed, track, MAX_SESSION_TRACKS);
      s.sessionSkipStreak = 0;
      return;
    case 'skip':
      if (track === null) return;
      pushFront(s.sessionSkipped, track, MAX_SESSION_TRACKS);
      // Only an early skip ("not for me") extends the streak; a late skip is a near-complete play.
      if (ev.position === undefined || ev.position < EARLY_SKIP_MS) s.sessionSkipStreak += 1;
      else s.sessionSkipStreak = 0;
      return;
    case 'like':
    case 'save':
      if (track === null) return;
      pushFront(s.likedTracks, track, MAX_TRACK_LIST);
      remove(s.dislikedTracks, track);
      return;
    case 'dislike':
      if (track === null) return;
      pushFront(s.dislikedTracks, track, MAX_TRACK_LIST);
      remove(s.likedTracks, track);
      return;
    case 'follow_artist':
      if (artist === null) return;
      pushFront(s.followedArtists, artist, MAX_ARTIST_LIST);
      remove(s.bannedArtists, artist);
      return;
    case 'ban_artist':
      if (artist === null) return;
      pushFront(s.bannedArtists, artist, MAX_ARTIST_LIST);
      remove(s.followedArtists, artist);
      return;
  }
}

/** Groups a batch by listener, keeping each listener's events in order. */
export function groupByListener(events: readonly ListenEvent[]): Map<string, ListenEvent[]> {
  const byUser = new Map<string, ListenEvent[]>();
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (ev.type === 'impression') continue;
    let list = byUser.get(ev.userId);
    if (list === undefined) byUser.set(ev.userId, (list = []));
    list.push(ev);
  }
  return byUser;
}

/** Applies a listener's events to its previous state (or a fresh one) and returns the new state. */
export function foldEvents(userId: string, previous: ListenerState | null, events: readonly ListenEvent[]): MutableListenerState {
  const s = previous === null ? emptyListenerState(userId) : cloneListenerState(previous);
  for (let i = 0; i < events.length; i++) applyEvent(s, events[i]!);
  return s;
}

/** True while the listener's session is still open at `nowMs` (the feed ignores session fields otherwise). */
export function sessionIsActive(s: ListenerState, nowMs: number): boolean {
  return s.lastEventAt > 0 && nowMs - s.lastEventAt <= SESSION_IDLE_MS;
}

/** The state with `profile` merged into its profile (fields left out keep their value). */
export function withProfile(userId: string, previous: ListenerState | null, profile: ListenerProfile): MutableListenerState {
  const s = previous === null ? emptyListenerState(userId) : cloneListenerState(previous);
  s.profile = { ...(previous?.profile ?? {}), ...profile };
  return s;
}
