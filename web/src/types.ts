// Shapes the page reads and writes. The feed is the service's own FeedResult (one source of truth); the
// listener, genre and market routes follow the contract of issue 8 (GET/PUT /v1/users/{id}, /v1/genres,
// /v1/markets). Every id is an opaque string: the page never looks inside one.
import type { FeedItem, FeedResult, StageTrace } from '../../src/pipeline/types.js';

export type { FeedItem, StageTrace };

/** The feed response, plus fields a newer service may add (track length, experiment arm). */
export type FeedResponse = FeedResult & {
  readonly items: readonly (FeedItem & { readonly durationMs?: number })[];
  readonly experiment?: string | { readonly name?: string; readonly variant?: string };
  readonly variant?: string;
};
export type Item = FeedResponse['items'][number];

export interface ListenerProfile {
  readonly market?: string;
  readonly explicit?: boolean;
  readonly genres?: readonly string[];
}

export interface RecentPlay {
  readonly trackId: string;
  readonly title?: string;
  readonly artistId?: string;
  readonly artist?: string;
  readonly timestamp?: number;
}

export interface UserView {
  readonly userId: string;
  readonly known: boolean;
  readonly profile?: ListenerProfile;
  readonly recentPlays?: readonly RecentPlay[];
  readonly likes?: readonly string[];
  readonly dislikes?: readonly string[];
  readonly bans?: readonly string[];
  readonly followedArtists?: readonly string[];
}

export interface TrackHit {
  readonly trackId: string;
  readonly title: string;
  readonly artist?: string | { readonly name?: string };
  readonly durationMs?: number;
}

export interface Genre {
  readonly name: string;
  readonly parent?: string | null;
}

/** The listener the page acts as; `onboarding` is sent with the feed when the service cannot store it. */
export interface Listener {
  readonly id: string;
  readonly onboarding?: ListenerProfile;
}

export type Surface = { readonly name: 'home' } | { readonly name: 'radio'; readonly seedTrackId: string; readonly seedTitle: string };

export interface EventsAnswer {
  readonly accepted: readonly string[];
  readonly duplicates: readonly string[];
  readonly rejected: readonly { readonly index: number; readonly reason: string }[];
}
