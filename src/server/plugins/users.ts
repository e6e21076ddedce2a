// Listener routes: the profile an app sets (market, explicit setting, onboarding genres), what Encore knows of a
// listener, and erasure. A listener needs no registration: an id never seen before is a new listener.
import type { FastifyPluginAsync } from 'fastify';
import type { Catalog } from '../../catalog/Catalog.js';
import { MARKET_CODE_PATTERN } from '../../catalog/MarketSets.js';
import { Errors } from '../../domain/errors.js';
import { ID_SCHEMA, type TrackIndex } from '../../domain/ids.js';
import { resolveGenreNames } from '../../pipeline/genreNames.js';
import type { UserProfiles } from '../../pipeline/UserProfiles.js';
import type { EventLog, ListenerProfile, ListenerStateStore } from '../../storage/interfaces.js';
import { errorResponses } from '../schemas/common.js';

export interface UsersDeps {
  readonly catalog: Catalog;
  readonly listenerState: ListenerStateStore;
  readonly eventLog: EventLog;
  readonly profiles: UserProfiles;
}

const params = { type: 'object', required: ['userId'], properties: { userId: { ...ID_SCHEMA, description: 'the app’s listener id, percent-encoded' } } } as const;
const MAX_ONBOARDING_GENRES = 20;

const profileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    market: { type: 'string', pattern: MARKET_CODE_PATTERN, description: 'ISO 3166-1 alpha-2 (GET /v1/markets)' },
    explicit: { type: 'boolean', description: 'false: never serve explicit tracks' },
    genres: { type: 'array', maxItems: MAX_ONBOARDING_GENRES, items: { type: 'string', minLength: 1, maxLength: 201 }, description: 'onboarding genre names (GET /v1/genres)' },
  },
} as const;

const userViewSchema = {
  type: 'object',
  properties: {
    userId: { type: 'string' },
    known: { type: 'boolean', description: 'in the training data or has online state' },
    profile: { type: 'object', properties: { market: { type: 'string' }, explicit: { type: 'boolean' }, genres: { type: 'array', items: { type: 'string' } } }, required: ['market', 'explicit', 'genres'] },
    recentPlays: {
      type: 'array',
      items: { type: 'object', properties: { trackId: { type: 'string' }, title: { type: 'string' }, artistId: { type: 'string' }, artist: { type: 'string' }, timestamp: { type: 'number' } }, required: ['trackId', 'title', 'artistId', 'artist', 'timestamp'] },
    },
    likes: { type: 'array', items: { type: 'string' } },
    dislikes: { type: 'array', items: { type: 'string' } },
    bans: { type: 'array', items: { type: 'string' } },
    followedArtists: { type: 'array', items: { type: 'string' } },
  },
  required: ['userId', 'known', 'profile', 'recentPlays', 'likes', 'dislikes', 'bans', 'followedArtists'],
} as const;

const LIST_LIMIT = 50;

export const usersPlugin: FastifyPluginAsync<{ deps: UsersDeps }> = async (app, { deps }) => {
  const { catalog, listenerState, eventLog, profiles } = deps;
  const trackIds = (list: readonly number[]): string[] => list.slice(0, LIST_LIMIT).filter((t) => t >= 0 && t < catalog.trackCount).map((t) => catalog.trackIds.idAt(t));
  const artistIds = (list: readonly number[]): string[] => list.slice(0, LIST_LIMIT).filter((a) => a >= 0 && a < catalog.artistCount).map((a) => catalog.artistIds.idAt(a));

  app.get<{ Params: { userId: string } }>(
    '/v1/users/:userId',
    { config: { scope: 'users' }, schema: { operationId: 'getUser', summary: 'What Encore knows of a listener', tags: ['users'], params, response: { 200: userViewSchema, ...errorResponses } } },
    async (req) => {
      const userId = req.params.userId;
      const base = profiles.profile(userId);
      const state = await listenerState.get(userId);
      const p = state?.profile;
      const plays = state === null ? [] : state.recentTracks.slice(0, LIST_LIMIT).map((t, i) => ({ t, ts: state.recentTimestamps[i] ?? 0 })).filter(({ t }) => t >= 0 && t < catalog.trackCount);
      return {
        userId,
        known: base.userIndex !== null || state !== null,
        profile: { market: p?.market ?? catalog.markets[base.market] ?? '', explicit: p?.explicit ?? base.explicitOk, genres: [...(p?.genres ?? [])] },
        recentPlays: plays.map(({ t, ts }) => {
          const a = catalog.columns.artist[t]!;
          return { trackId: catalog.trackIds.idAt(t), title: catalog.trackTitle(t as TrackIndex), artistId: catalog.artistIds.idAt(a), artist: catalog.artistName(a as never), timestamp: ts };
        }),
        likes: trackIds(state?.likedTracks ?? []),
        dislikes: trackIds(state?.dislikedTracks ?? []),
        bans: artistIds(state?.bannedArtists ?? []),
        followedArtists: artistIds(state?.followedArtists ?? []),
      };
    },
  );

  app.put<{ Params: { userId: string }; Body: ListenerProfile }>(
    '/v1/users/:userId',
    {
      config: { scope: 'users' },
      schema: {
        operationId: 'putUserProfile',
        summary: 'Set a listener’s profile (market, explicit setting, onboarding genres)',
        description: 'Kept in the online state; fields left out keep their value. The next feed uses it at once.',
        tags: ['users'],
        params,
        body: profileSchema,
        response: { 200: profileSchema, ...errorResponses },
      },
    },
    async (req) => {
      const body = req.body;
      if (body.market !== undefined && !catalog.markets.includes(body.market)) throw Errors.badRequest(`market: "${body.market}" is not a market of this catalog (GET /v1/markets lists them)`);
      if (body.genres !== undefined) {
        const { unknown } = resolveGenreNames(catalog, body.genres);
        if (unknown.length > 0) throw Errors.badRequest(`genres: unknown genre ${JSON.stringify(unknown[0])} (GET /v1/genres lists them)`);
      }
      await listenerState.setProfile(req.params.userId, body);
      return (await listenerState.get(req.params.userId))?.profile ?? body;
    },
  );

  app.delete<{ Params: { userId: string } }>(
    '/v1/users/:userId',
    {
      config: { scope: 'users' },
      schema: {
        operationId: 'deleteUser',
        summary: 'Erase a listener (right to erasure)',
        description:
          'Removes the online state and profile at once and records a durable tombstone in the event log: every later `encore train --events-log` leaves the listener\'s events out (of the log and of the world\'s history), so the next bundle holds no vector for them. See README "Deleting a listener" for what remains and for how long.',
        tags: ['users'],
        params,
        response: {
          200: { type: 'object', properties: { userId: { type: 'string' }, hadState: { type: 'boolean' }, erased: { type: 'boolean' } }, required: ['userId', 'hadState', 'erased'] },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const userId = req.params.userId;
      // Tombstone first: if it fails, nothing is deleted and the client may retry.
      await eventLog.erase(userId);
      const hadState = await listenerState.delete(userId);
      return { userId, hadState, erased: true };
    },
  );
};
