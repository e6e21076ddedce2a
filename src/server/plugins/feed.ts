// GET /v1/users/{userId}/feed: the feed request. The handler only translates HTTP to recommend().
import type { FastifyPluginAsync } from 'fastify';
import { Errors } from '../../domain/errors.js';
import { resolveGenreNames } from '../../pipeline/genreNames.js';
import { recommend } from '../../pipeline/recommend.js';
import type { RecommendRequest } from '../../pipeline/types.js';
import type { AppPluginOptions } from '../deps.js';
import { EventLoopLoad } from '../EventLoopLoad.js';
import { FeedMetrics } from '../FeedMetrics.js';
import { feedParams, feedQuery, feedResponse } from '../schemas/feed.js';
import { feedArm } from '../../experiments/feedArm.js';
import { MAX_FUTURE_MS } from '../../storage/validateEvent.js';

interface FeedQuery {
  surface: string;
  limit: number;
  seedTrackId?: string;
  genres?: string;
  market?: string;
  explicit?: boolean;
  diversity: boolean;
  at?: number;
}

export const feedPlugin: FastifyPluginAsync<AppPluginOptions> = async (app, { deps }) => {
  const observer = new FeedMetrics(deps.metrics);
  const load = new EventLoopLoad();
  app.addHook('onClose', async () => load.close());
  const pipelineDeps = {
    load,
    catalog: deps.catalog,
    bundles: deps.bundles,
    profiles: deps.profiles,
    listenerState: deps.listenerState,
    observer,
    ...(deps.components ? { components: deps.components } : {}),
  };
  app.get<{ Params: { userId: string }; Querystring: FeedQuery }>(
    '/v1/users/:userId/feed',
    {
      config: { scope: 'feed' },
      schema: {
        summary: 'The listener’s feed on a surface (home, or radio from a seed track)',
        tags: ['feed'],
        params: feedParams,
        querystring: feedQuery,
        response: feedResponse,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const catalog = deps.catalog;
      let onboardingGenres: number[] | undefined;
      if (q.genres !== undefined) {
        const { ids, unknown } = resolveGenreNames(catalog, q.genres.split(','));
        if (unknown.length > 0) throw Errors.badRequest(`genres: unknown genre ${JSON.stringify(unknown[0])} (GET /v1/genres lists them)`);
        onboardingGenres = ids;
      }
      let market: number | undefined;
      if (q.market !== undefined) {
        market = catalog.markets.indexOf(q.market);
        if (market < 0) throw Errors.badRequest(`market: "${q.market}" is not a market of this catalog (GET /v1/markets lists them)`);
      }
      // A client clock (the simulator's simulated time) moves "now" for this request only, as events may be
      // timestamped in the past: the same bound as an event's timestamp.
      if (q.at !== undefined && q.at > Date.now() + MAX_FUTURE_MS) throw Errors.badRequest('at: more than a day ahead of the server clock');
      // A surface running an experiment serves the listener's variant; the response names both.
      const arm = feedArm(q.surface, req.params.userId);
      const request: RecommendRequest = {
        receivedAt: performance.now() - reply.elapsedTime,
        userId: req.params.userId,
        surface: arm?.surface ?? q.surface,
        limit: q.limit,
        diversity: q.diversity,
        ...(q.seedTrackId !== undefined ? { seedTrackId: q.seedTrackId } : {}),
        ...(onboardingGenres !== undefined ? { onboardingGenres } : {}),
        ...(market !== undefined ? { market } : {}),
        ...(q.explicit !== undefined ? { explicitOk: q.explicit } : {}),
        ...(q.at !== undefined ? { nowMs: q.at } : {}),
      };
      const feed = await recommend(pipelineDeps, request);
      return arm ? { ...feed, surface: q.surface, experiment: arm.experiment, variant: arm.variant } : feed;
    },
  );
};
