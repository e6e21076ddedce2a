// GET /v1/users/{userId}/feed: the feed request. The handler only translates HTTP to recommend().
import type { FastifyPluginAsync } from 'fastify';
import { recommend } from '../../pipeline/recommend.js';
import type { RecommendRequest } from '../../pipeline/types.js';
import type { AppPluginOptions } from '../deps.js';
import { EventLoopLoad } from '../EventLoopLoad.js';
import { FeedMetrics } from '../FeedMetrics.js';
import { feedParams, feedQuery, feedResponse } from '../schemas/feed.js';

interface FeedQuery {
  surface: string;
  limit: number;
  seedTrackId?: string;
  genres?: string;
  diversity: boolean;
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
      const request: RecommendRequest = {
        receivedAt: performance.now() - reply.elapsedTime,
        userId: req.params.userId,
        surface: q.surface,
        limit: q.limit,
        diversity: q.diversity,
        ...(q.seedTrackId !== undefined ? { seedTrackId: q.seedTrackId } : {}),
        ...(q.genres !== undefined ? { onboardingGenres: q.genres.split(',').map(Number) } : {}),
      };
      return recommend(pipelineDeps, request);
    },
  );
};
