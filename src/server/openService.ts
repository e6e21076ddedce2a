// Opens everything the service needs from disk and URLs (world, bundles, storage), builds the app.
// Used by `encore serve`, `encore start` and bench:feed.
import { Errors } from '../domain/errors.js';
import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { MutableCatalog } from '../catalog/MutableCatalog.js';
import { BundleHolder } from '../model/BundleHolder.js';
import { loadBundle } from '../model/loadBundle.js';
import { defaultComponents } from '../pipeline/defaultComponents.js';
import { profilesFromUsers } from '../pipeline/UserProfiles.js';
import { FsBundleStore } from '../storage/FsBundleStore.js';
import { Redis } from 'ioredis';
import { attachCatalogChanges, openEventLog, openListenerState, parseRedisUrl } from '../storage/open.js';
import { openWorldAsync } from '../world/World.js';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';
import type { AuthConfig } from './plugins/auth.js';
import { DEFAULT_LIMITS } from './plugins/limits.js';
import type { OverloadConfig } from './plugins/overload.js';
import type { AppDeps, Logger } from './deps.js';

export interface ServiceOptions {
  readonly worldDir: string;
  readonly bundlesDir: string;
  /** Listener state URL (lmdb://dir, memory://, redis://...). */
  readonly stateUrl: string;
  /** Event log URL (lmdb://dir, memory://, nats://...). */
  readonly eventsUrl: string;
  /** Market code of listeners the world does not know and who name none (default: the catalog's first market). */
  readonly defaultMarket?: string;
  /** Poll the bundle store for a newer version every this many ms (0: never). */
  readonly watchMs?: number;
  readonly logger: Logger;
  readonly logRequests?: boolean;
  /** Tests of the page without security: the key the page at / acts as a listener with (plugins/ui.ts). */
  readonly pageKey?: string;
  /** `full` (default): every bundle file's sha256 is checked at load; `sizes`: sizes only (faster start). */
  readonly verifyBundles?: 'full' | 'sizes';
  /** `full` (default): every world file's sha256 is checked at start; `sizes`: sizes only (faster start). */
  readonly verifyWorld?: 'full' | 'sizes';
  /** API keys, limits and load shedding; `encore serve` always passes them. Absent: none (tests). */
  readonly security?: ServiceSecurity;
}

export interface ServiceSecurity {
  readonly auth: AuthConfig;
  /** Requests per minute per API key (per address without one); 0: no rate limit. */
  readonly ratePerMinute: number;
  readonly overload: OverloadConfig;
  /** `encore start` only: the key the page at / acts as a listener with (plugins/ui.ts). */
  readonly pageKey?: string;
}

/** Rate-limit counters shared by every replica when the listener state is on Redis; fails fast when it is down. */
function rateLimitRedis(stateUrl: string): Redis | undefined {
  if (!stateUrl.startsWith('redis://')) return undefined;
  const redis = new Redis(parseRedisUrl(stateUrl).url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 200, connectTimeout: 1000 });
  redis.on('error', () => undefined); // the rate limit skips on errors (limits.ts)
  return redis;
}

function appOptions(o: ServiceOptions, redis: Redis | undefined): AppOptions {
  const s = o.security;
  if (s === undefined) return { logRequests: o.logRequests === true, ...(o.pageKey !== undefined ? { ui: { pageKey: o.pageKey } } : {}) };
  return {
    logRequests: o.logRequests === true,
    auth: s.auth,
    overload: s.overload,
    limits: {
      ...DEFAULT_LIMITS,
      ratePerWindow: s.ratePerMinute,
      rateWindowMs: 60_000,
      ...(redis !== undefined ? { redis, redisNamespace: `${parseRedisUrl(o.stateUrl).prefix}rate:` } : {}),
    },
    ...(s.pageKey !== undefined ? { ui: { pageKey: s.pageKey } } : {}),
  };
}

export interface Service {
  readonly app: FastifyInstance;
  readonly deps: AppDeps;
  close(): Promise<void>;
}

export async function openService(o: ServiceOptions): Promise<Service> {
  for (const [flag, dir] of [['--world', o.worldDir], ['--bundles', o.bundlesDir]] as const) {
    if (!fs.existsSync(dir)) throw new Error(`${flag} ${dir} does not exist`);
  }
  // A truncated or bit-flipped world file is refused here (ENC_FORMAT naming the file): the service does not start.
  const world = await openWorldAsync(path.resolve(o.worldDir), { verify: o.verifyWorld ?? 'full', warn: (m) => o.logger.warn(m) });
  const catalog = new MutableCatalog(world.catalog);
  const store = new FsBundleStore(path.resolve(o.bundlesDir));
  const bundles = await BundleHolder.open(store, {
    // Checksums by default: a bit-flipped bundle is refused (and a serving process keeps the one it has).
    load: (dir) => loadBundle(dir, { verify: o.verifyBundles ?? 'full' }),
    catalog,
    logger: o.logger,
    onSwap: (b) => catalog.markCovered(b.trackCount),
  });
  catalog.markCovered(bundles.current().trackCount);
  const stopWatching = (o.watchMs ?? 0) > 0 ? bundles.watch(store, o.watchMs) : () => undefined;
  const [listenerState, eventLog] = await Promise.all([openListenerState(o.stateUrl), openEventLog(o.eventsUrl)]);
  // Catalog changes (PUT /v1/tracks) go through a journal (embedded) or a JetStream stream (replicas), so they
  // survive a restart and reach every worker and replica in the same order.
  const catalogChanges = await attachCatalogChanges(o.eventsUrl, catalog);
  const deps: AppDeps = {
    catalog,
    bundles,
    listenerState,
    eventLog,
    profiles: profilesFromUsers(world.users, defaultMarketIndex(world.catalog.markets, o.defaultMarket)),
    metrics: new Registry(),
    logger: o.logger,
    components: defaultComponents(),
  };
  const redis = o.security !== undefined && o.security.ratePerMinute > 0 ? rateLimitRedis(o.stateUrl) : undefined;
  const app = await buildApp(deps, appOptions(o, redis));
  return {
    app,
    deps,
    async close() {
      stopWatching();
      await app.close();
      redis?.disconnect();
      await Promise.allSettled([listenerState.close(), eventLog.close(), catalogChanges.close()]);
      await bundles.close();
    },
  };
}

/** A logger that prints one line per call to stderr (the CLI's). */
export const consoleLogger: Logger = {
  info: (o, m) => console.error(line('info', o, m)),
  warn: (o, m) => console.error(line('warn', o, m)),
  error: (o, m) => console.error(line('error', o, m)),
  debug: () => undefined,
};

function line(level: string, o: object | string, m?: string): string {
  if (typeof o === 'string') return `[${level}] ${o}`;
  const fields = o instanceof Error ? o.message : JSON.stringify(o, (_k, v: unknown) => (v instanceof Error ? v.message : v));
  return `[${level}] ${m ?? ''} ${fields}`;
}

/** Index of the default market code in the catalog's market list; an unknown code is a clear error. */
function defaultMarketIndex(markets: readonly string[], code: string | undefined): number {
  if (code === undefined) return 0;
  const i = markets.indexOf(code);
  if (i < 0) throw Errors.badRequest(`--default-market ${code} is not a market of this catalog (${markets.slice(0, 20).join(', ')}${markets.length > 20 ? ', …' : ''})`);
  return i;
}
