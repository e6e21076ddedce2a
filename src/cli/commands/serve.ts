// `encore serve`: the HTTP service over a world and a bundle directory (newest complete bundle, swapped
// live when `encore train` writes a newer one).
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { Errors } from '../../domain/errors.js';
import { ApiKeys } from '../../server/apiKeys.js';
import { consoleLogger, openService, type ServiceSecurity } from '../../server/openService.js';
import { DEFAULT_LIMITS } from '../../server/plugins/limits.js';
import { DEFAULT_OVERLOAD } from '../../server/plugins/overload.js';
import { declareExperimentsFile } from '../../experiments/declare.js';

export interface ServeFlags {
  world: string;
  bundles: string;
  port: number;
  host: string;
  state: string;
  events: string;
  defaultMarket?: string;
  watchMs: number;
  log: boolean;
  /** Processes serving the same port (node:cluster); each loads the world and bundle itself. */
  workers?: number;
  /** Key files (`secret:scope+scope` lines), besides ENCORE_API_KEYS. */
  apiKeysFile?: string[];
  /** `open`: feeds need no key; `keyed`: they need one with the `feed` scope. */
  reads?: string;
  /** Requests per minute per API key or address (0: off). */
  rateLimit?: number;
  maxInFlight?: number;
  queueDeadlineMs?: number;
  verifyBundles?: string;
  verifyWorld?: string;
  /** Set by `encore start` only (127.0.0.1, embedded): the key the page at / uses. */
  pageKey?: string;
  /** JSON file declaring experiments: [{ "surface": "home", "name": ..., "variants": [...] }] (src/experiments/declare.ts). */
  experiment?: string;
}

function security(o: ServeFlags): ServiceSecurity {
  const reads = o.reads ?? 'open';
  if (reads !== 'open' && reads !== 'keyed') throw Errors.badRequest(`--reads must be open or keyed, got "${reads}"`);
  const keys = ApiKeys.parse({ env: process.env.ENCORE_API_KEYS ?? '', files: o.apiKeysFile ?? [] });
  if (keys.size === 0) console.error('encore: no API keys (ENCORE_API_KEYS or --api-keys-file): every write will be refused with 401');
  return {
    auth: { keys, readsOpen: reads === 'open' },
    ratePerMinute: o.rateLimit ?? DEFAULT_LIMITS.ratePerWindow,
    overload: { maxInFlight: o.maxInFlight ?? DEFAULT_OVERLOAD.maxInFlight, maxQueueMs: o.queueDeadlineMs ?? DEFAULT_OVERLOAD.maxQueueMs },
    ...(o.pageKey !== undefined ? { pageKey: o.pageKey } : {}),
  };
}

/**
 * Starts the service and resolves once it listens; stops cleanly on SIGINT/SIGTERM. With `workers` > 1
 * the process becomes a cluster primary and forks that many workers that share the port (the feed is
 * CPU-bound and single-threaded per process). Workers share storage only through its backend: use
 * lmdb://, redis:// or nats://, not memory://.
 */
export async function serve(o: ServeFlags): Promise<void> {
  const workers = o.workers ?? 1;
  if (workers > 1 && cluster.isPrimary) {
    if (o.state.startsWith('memory:') || o.events.startsWith('memory:')) {
      throw Errors.badRequest('--workers > 1 needs shared storage (lmdb://, redis://, nats://), not memory://');
    }
    let stopping = false;
    for (let i = 0; i < workers; i++) cluster.fork();
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      console.error(`encore: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      cluster.fork();
    });
    const stop = (): void => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    console.error(`encore: cluster primary ${process.pid} started ${workers} workers`);
    return;
  }
  if (o.verifyBundles !== undefined && o.verifyBundles !== 'full' && o.verifyBundles !== 'sizes') throw Errors.badRequest(`--verify-bundles must be full or sizes, got "${o.verifyBundles}"`);
  if (o.verifyWorld !== undefined && o.verifyWorld !== 'full' && o.verifyWorld !== 'sizes') throw Errors.badRequest(`--verify-world must be full or sizes, got "${o.verifyWorld}"`);
  if (o.experiment) declareExperimentsFile(o.experiment);
  const started = performance.now();
  const service = await openService({
    worldDir: o.world,
    bundlesDir: o.bundles,
    stateUrl: o.state,
    eventsUrl: o.events,
    ...(o.defaultMarket !== undefined ? { defaultMarket: o.defaultMarket } : {}),
    watchMs: o.watchMs,
    logger: consoleLogger,
    logRequests: o.log,
    security: security(o),
    verifyBundles: o.verifyBundles === 'sizes' ? 'sizes' : 'full',
    verifyWorld: o.verifyWorld === 'sizes' ? 'sizes' : 'full',
  });
  // A deep accept queue (capped by net.core.somaxconn): past capacity a client's new connection waits to be
  // shed with a 503 instead of its SYN being dropped and retried a second or three later.
  const address = await service.app.listen({ port: o.port, host: o.host, backlog: 4096 });
  const b = service.deps.bundles.current();
  console.error(
    `encore: serving ${service.deps.catalog.trackCount} tracks, model ${b.version}, at ${address} ` +
      `(UI /, API docs /docs, metrics /metrics) after ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `state ${o.state}, events ${o.events}, RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`,
  );
  const stop = (): void => {
    void service.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw Errors.badRequest(`expected a non-negative integer, got "${v}"`);
  return n;
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve feeds, events and catalog updates over HTTP (UI at /, OpenAPI at /docs)')
    .requiredOption('--world <dir>', 'world directory (catalog and listeners)')
    .requiredOption('--bundles <dir>', 'model bundle directory (the newest complete version is served)')
    .option('--port <n>', 'TCP port', int, 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--state <url>', 'listener state: lmdb://DIR, redis://HOST:PORT or memory://', 'lmdb://data/state')
    .option('--events <url>', 'event log: lmdb://DIR, nats://HOST:PORT or memory://', 'lmdb://data/events')
    .option('--default-market <code>', 'market of listeners the world does not know (default: the catalog\'s first market)')
    .option('--watch-ms <n>', 'poll the bundle directory for a new version every n ms (0: never)', int, 2000)
    .option('--log', 'log every request', false)
    .option('--workers <n>', 'processes sharing the port (each loads world and bundle)', int, 1)
    .option('--verify-bundles <mode>', 'full: check every bundle file\'s sha256 at load; sizes: sizes only (faster start)', 'full')
    .option('--verify-world <mode>', 'full: check every world file\'s sha256 at start; sizes: sizes only (faster start)', 'full')
    .option('--api-keys-file <file...>', 'API key files: one "secret:scope+scope" a line (besides ENCORE_API_KEYS)')
    .option('--reads <mode>', 'open: feeds need no key; keyed: they need a key with the feed scope', 'open')
    .option('--rate-limit <n>', 'requests per minute per API key (per address without one); 0: off', int, DEFAULT_LIMITS.ratePerWindow)
    .option('--max-in-flight <n>', 'requests in flight per process before shedding (503)', int, DEFAULT_OVERLOAD.maxInFlight)
    .option('--queue-deadline-ms <n>', 'shed (503) while requests wait longer than this in the queue', int, DEFAULT_OVERLOAD.maxQueueMs)
    .option('--experiment <file>', 'JSON file of experiments to run: [{"surface": "home", "name": "...", "variants": [{"name", "weight", "overrides"}]}]')
    .action(async (o: ServeFlags) => serve(o));
}
