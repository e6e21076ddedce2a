import type { ListenEvent } from '../domain/events.js';

// Storage is split by access pattern (Gorse's storage/data, cache, ...). Each interface has an embedded
// backend (no server) and a distributed one, opened by URL scheme in src/storage/open.ts, and ONE
// conformance suite in test/storage/ run against every backend.

/** Append-only, durable event log. `append` resolves only once the events survive kill -9. */
export interface EventLog {
  /** Appends events whose eventId was not seen before; returns which ids were new (idempotency). */
  append(events: readonly ListenEvent[]): Promise<{ readonly appended: number; readonly duplicates: readonly string[] }>;
  /** Reads events in append order starting at `from` (a sequence number, 0 = beginning). */
  read(from: number, limit: number): Promise<{ readonly events: readonly ListenEvent[]; readonly next: number }>;
  /**
   * Right to erasure: records a durable tombstone for the listener. Their events stay in the log's storage until
   * it is compacted or expires, but every later read for training (readEvents) skips them.
   */
  erase(userId: string): Promise<void>;
  /** Listeners erased so far. */
  erasedListeners(): Promise<ReadonlySet<string>>;
  close(): Promise<void>;
}

/** One listener's online state: what the next feed request must reflect at once. */
export interface ListenerState {
  readonly userId: string;
  /** Most recent plays, newest first, bounded (tracks as TrackIndex numbers). */
  readonly recentTracks: readonly number[];
  readonly recentTimestamps: readonly number[];
  /** Current session (ends after 30 minutes without events). */
  readonly sessionStartedAt: number;
  readonly lastEventAt: number;
  readonly sessionSkipStreak: number;
  readonly sessionSkipped: readonly number[];
  readonly sessionPlayed: readonly number[];
  readonly likedTracks: readonly number[];
  readonly dislikedTracks: readonly number[];
  readonly bannedArtists: readonly number[];
  readonly followedArtists: readonly number[];
  /** Set by PUT /v1/users/{id}: market code, explicit setting, onboarding genre names. */
  readonly profile?: ListenerProfile;
}

export interface ListenerProfile {
  readonly market?: string;
  readonly explicit?: boolean;
  readonly genres?: readonly string[];
}

/** Online listener state keyed by user id: read on every feed request, updated by every event. */
export interface ListenerStateStore {
  get(userId: string): Promise<ListenerState | null>;
  /** Applies events (already validated, in order) to the listeners they concern. */
  apply(events: readonly ListenEvent[]): Promise<void>;
  /** Sets (merges) the listener's profile (PUT /v1/users/{id}); creates the state when there is none. */
  setProfile(userId: string, profile: ListenerProfile): Promise<void>;
  /** Removes the listener's state and profile at once (DELETE /v1/users/{id}); true when there was one. */
  delete(userId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Versioned model bundles on disk: a new version becomes visible atomically, never half-written. */
export interface BundleStore {
  /** Lists complete versions, oldest first. */
  versions(): Promise<readonly string[]>;
  /** The version the service should serve (the newest complete one), or null. */
  current(): Promise<string | null>;
  /** Directory of a complete version. */
  path(version: string): string;
}
