// Listening event types. The numeric codes are part of the on-disk formats (world history, event log):
// never renumber, only append.
export const EventType = {
  impression: 1,
  play_start: 2,
  skip: 3,
  complete: 4,
  like: 5,
  dislike: 6,
  save: 7,
  follow_artist: 8,
  ban_artist: 9,
} as const;
export type EventTypeName = keyof typeof EventType;
export type EventTypeCode = (typeof EventType)[EventTypeName];
export const EVENT_TYPE_NAMES = Object.keys(EventType) as EventTypeName[];
export const eventTypeName = (code: number): EventTypeName | undefined => EVENT_TYPE_NAMES[code - 1];

/** A skip before this position (ms) means "not for me"; a later skip is weak negative evidence. */
export const EARLY_SKIP_MS = 30_000;

/** An event as it travels through the service (HTTP in, event log, online state). */
export interface ListenEvent {
  readonly eventId: string;
  readonly type: EventTypeName;
  readonly userId: string;
  readonly trackId?: string;
  readonly artistId?: string;
  readonly timestamp: number; // ms since epoch
  readonly surface?: string;
  readonly requestId?: string;
  readonly position?: number; // skip: position in ms; impression: slot in the feed
  readonly propensity?: number; // impression: probability the exploration policy chose this item
  /** complete: how strongly the play counts for training (a rating, a play count; default 1). */
  readonly weight?: number;
  /**
   * The serving catalog's dense indices of trackId / artistId, resolved by validateEvent so the online state needs no
   * dictionary. Indices are append-only (never renumbered), so they stay valid; training reads the string ids.
   */
  readonly trackIndex?: number;
  readonly artistIndex?: number;
  readonly experiment?: string; // impression: the feed response's experiment (1-256 chars)
  readonly variant?: string; // impression: the feed response's variant (1-256 chars)
}
