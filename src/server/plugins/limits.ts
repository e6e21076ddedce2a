// Request limits at the edge: URL length, per-key (or per-address) rate limits with @fastify/rate-limit
// (Redis-backed when the service runs scale-out), and a server-side deadline per request. Body size,
// path-segment length, header size and the time to receive a request are Fastify/Node server options
// (serverLimitOptions below), so they are refused before any handler runs.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { Errors } from '../../domain/errors.js';
import { MAX_ID_BYTES } from '../../domain/ids.js';

export interface LimitsConfig {
  /** Longest accepted request URL (path and query), characters. */
  readonly maxUrlLength: number;
  /** A request not answered this long after it arrived gets a 503 ENC_TIMEOUT (its work may still finish). */
  readonly handlerTimeoutMs: number;
  /** Requests per `rateWindowMs` per API key (per client address without a key); 0 turns rate limits off. */
  readonly ratePerWindow: number;
  readonly rateWindowMs: number;
  /** Shared counters across replicas (scale-out); in-process counters when absent. */
  readonly redis?: Redis;
  /** Key prefix of those counters (the listener state's prefix + `rate:`). */
  readonly redisNamespace?: string;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  maxUrlLength: 8192,
  handlerTimeoutMs: 10_000,
  ratePerWindow: 60_000,
  rateWindowMs: 60_000,
};

/** Limits that are options of the Fastify instance / Node HTTP server (buildApp passes them). */
export const serverLimitOptions = {
  /** Default body limit; POST /v1/events and PUT /v1/tracks set their own. */
  bodyLimit: 1024 * 1024,
  /** Time to receive a whole request (Node answers 408 past it). */
  requestTimeout: 30_000,
  /** An id is up to 256 bytes of UTF-8, i.e. up to 768 characters percent-encoded in a path. */
  maxParamLength: 3 * MAX_ID_BYTES,
  /** Request line plus headers (Node answers 431 past it). */
  maxHeaderSize: 16 * 1024,
} as const;

function checkUrl(config: LimitsConfig, req: FastifyRequest): void {
  if (req.url.length > config.maxUrlLength) throw Errors.urlTooLong(req.url.length, config.maxUrlLength);
}

function startDeadline(config: LimitsConfig, reply: FastifyReply): void {
  const timer = setTimeout(() => {
    if (!reply.sent) {
      void reply.header('retry-after', '1');
      reply.send(Errors.timeout(config.handlerTimeoutMs));
    }
  }, config.handlerTimeoutMs);
  reply.raw.once('close', () => clearTimeout(timer));
}

/** Call on the root instance after installAuth (the rate limit buckets by the key it found). */
export async function installLimits(app: FastifyInstance, config: LimitsConfig): Promise<void> {
  app.addHook('onRequest', async (req, reply) => {
    checkUrl(config, req);
    startDeadline(config, reply);
  });
  if (config.ratePerWindow <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: config.ratePerWindow,
    timeWindow: config.rateWindowMs,
    // Health checks and metrics scrapes are not rate limited.
    allowList: (req) => !req.url.startsWith('/v1/'),
    keyGenerator: (req) => (req.apiKey !== null && req.apiKey !== undefined ? `key:${req.apiKey.id}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, ctx) => Errors.rateLimited(ctx.after),
    // A Redis outage must not fail requests: they pass unlimited until it is back.
    skipOnError: true,
    ...(config.redis !== undefined ? { redis: config.redis, nameSpace: config.redisNamespace ?? 'encore:rate:' } : {}),
  });
}
