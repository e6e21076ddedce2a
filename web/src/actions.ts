// What each button on a track sends to POST /v1/events: real listening events, as an app would send them.
import type { FeedResponse, Item } from './types.js';

export type TrackAction = 'play' | 'skipEarly' | 'skipLate' | 'like' | 'dislike' | 'ban';

export const EARLY_SKIP_AT_MS = 5_000; // well before the service's 30 s early-skip line
export const LATE_SKIP_MIN_MS = 30_000;
const UNKNOWN_DURATION_MS = 180_000;

export interface ActionContext {
  readonly userId: string;
  readonly feed: FeedResponse;
  readonly item: Item;
  /** The track's length when the service told us (GET /v1/tracks/{id}); a typical length otherwise. */
  readonly durationMs?: number | undefined;
  readonly now: number;
}

type RawEvent = Record<string, string | number>;

function base(ctx: ActionContext, type: string, timestamp: number): RawEvent {
  return {
    eventId: crypto.randomUUID(),
    type,
    userId: ctx.userId,
    trackId: ctx.item.trackId,
    timestamp,
    surface: ctx.feed.surface,
    requestId: ctx.feed.requestId,
  };
}

/** A late skip: past the 30 s line, before the end (60 % into the track). */
export function lateSkipPosition(durationMs: number): number {
  return Math.max(LATE_SKIP_MIN_MS, Math.min(durationMs - 1000, Math.round(durationMs * 0.6)));
}

export function eventsFor(action: TrackAction, ctx: ActionContext): RawEvent[] {
  const now = ctx.now;
  const duration = ctx.durationMs ?? UNKNOWN_DURATION_MS;
  switch (action) {
    case 'play':
      return [base(ctx, 'play_start', now - duration), { ...base(ctx, 'complete', now), position: duration }];
    case 'skipEarly':
      return [base(ctx, 'play_start', now - EARLY_SKIP_AT_MS), { ...base(ctx, 'skip', now), position: EARLY_SKIP_AT_MS }];
    case 'skipLate': {
      const at = lateSkipPosition(duration);
      return [base(ctx, 'play_start', now - at), { ...base(ctx, 'skip', now), position: at }];
    }
    case 'like':
      return [base(ctx, 'like', now)];
    case 'dislike':
      return [base(ctx, 'dislike', now)];
    case 'ban':
      return [{ ...base(ctx, 'ban_artist', now), artistId: ctx.item.artistId }];
  }
}

/** One impression per served item (slot = position), with the exploration propensity and experiment arm. */
export function impressions(userId: string, feed: FeedResponse, now: number): RawEvent[] {
  const arm: RawEvent = {};
  if (typeof feed.experiment === 'string') arm.experiment = feed.experiment;
  else if (feed.experiment?.name !== undefined) arm.experiment = feed.experiment.name;
  const variant = feed.variant ?? (typeof feed.experiment === 'object' ? feed.experiment.variant : undefined);
  if (variant !== undefined) arm.variant = variant;
  return feed.items.map((item, position) => ({
    ...base({ userId, feed, item, now }, 'impression', now),
    position,
    ...(item.propensity !== undefined ? { propensity: item.propensity } : {}),
    ...arm,
  }));
}

export const ACTION_LABELS: Record<TrackAction, { readonly short: string; readonly long: string; readonly done: string }> = {
  play: { short: 'Play', long: 'Play to the end', done: 'Played to the end' },
  skipEarly: { short: 'Skip', long: 'Skip early (5 s in)', done: 'Skipped early' },
  skipLate: { short: 'Skip late', long: 'Skip late (past 30 s)', done: 'Skipped late' },
  like: { short: 'Like', long: 'Like', done: 'Liked' },
  dislike: { short: 'Dislike', long: 'Dislike', done: 'Disliked' },
  ban: { short: 'Ban artist', long: 'Ban the artist', done: 'Banned the artist of' },
};
