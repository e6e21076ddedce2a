// Event ingestion benchmark: batched POST /v1/events over loopback (1,000-event batches, several keep-alive
// connections) against a service process on the embedded backend (LMDB event log + LMDB listener state)
// and on the distributed one (NATS JetStream event log + Redis listener state). Reports accepted events/s.
//
//   npm run bench:events [-- --batches 300 --connections 4 --backends lmdb,redis+nats] [--world /work/data/world-8m]
//
// With --world, it also measures catalog changes at that world's scale: the first new release (which
// grows the MutableCatalog columns in the background) and a licence update, with the event-loop delay.
//
// The service runs in a child process so the load generator does not share its event loop. Ingestion does
// not touch catalog columns, only the id dictionaries (each event's track and artist id is looked up), so the
// catalog is a stub with full-scale dictionaries (8.2M track ids t0.., 1.1M artist ids a0..); listeners are
// drawn from 500k ids.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import type { Catalog } from '../src/catalog/Catalog.js';
import { IdDictionary } from '../src/catalog/IdDictionary.js';
import { MarketSets } from '../src/catalog/MarketSets.js';
import { MARKETS } from '../src/domain/markets.js';
import { eventsPlugin } from '../src/server/plugins/events.js';
import { errorSchema } from '../src/server/schemas/common.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadCatalog } from '../src/catalog/ColumnarCatalog.js';
import { MutableCatalog, type TrackUpsert } from '../src/catalog/MutableCatalog.js';
import { openEventLog, openListenerState, parseNatsUrl, parseRedisUrl } from '../src/storage/open.js';
import { NatsEventLog } from '../src/storage/NatsEventLog.js';

const TRACKS = 8_200_000;
const ARTISTS = 1_100_000;
const LISTENERS = 500_000;
const BATCH = 1000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** A generated world's ids: `${prefix}0` .. `${prefix}${count - 1}`. */
function sequentialIds(prefix: string, count: number): IdDictionary {
  const d = IdDictionary.create(count);
  for (let i = 0; i < count; i++) d.add(`${prefix}${i}`);
  return d;
}

function stubCatalog(): Catalog {
  const empty = {
    artist: new Int32Array(0), album: new Int32Array(0), genre: new Uint16Array(0), releaseDay: new Int32Array(0),
    durationMs: new Int32Array(0), explicit: new Uint8Array(0), marketSet: new Uint32Array(0), popularity: new Float32Array(0),
    features: new Float32Array(0), albumArtist: new Int32Array(0),
  };
  return {
    trackCount: TRACKS, artistCount: ARTISTS, albumCount: 0, featureDim: 0, featureNames: [], genres: [],
    markets: [...MARKETS], marketSets: MarketSets.everywhereOnly(),
    trackIds: sequentialIds('t', TRACKS), artistIds: sequentialIds('a', ARTISTS), albumIds: IdDictionary.create(),
    columns: empty,
    trackTitle: () => '', artistName: () => '', albumTitle: () => '', recentlyAdded: () => new Int32Array(0),
  };
}

// ---------------------------------------------------------------- service side (child process)
async function serve(eventsUrl: string, stateUrl: string): Promise<void> {
  const eventLog = await openEventLog(eventsUrl);
  const listenerState = await openListenerState(stateUrl);
  const app = Fastify({ logger: false });
  app.addSchema(errorSchema); // the routes' error answers refer to it (buildApp adds it)
  await app.register(eventsPlugin, { deps: { catalog: stubCatalog(), eventLog, listenerState } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  let peakRss = 0;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  process.send!({ port });
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd !== 'stop') return;
    clearInterval(sample);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    void (async () => {
      await app.close();
      await eventLog.close();
      await listenerState.close();
      process.send!({ peakRss }, () => process.exit(0));
    })();
  });
}

// ---------------------------------------------------------------- load generator
const TYPES: [string, number][] = [
  ['impression', 0.4], ['play_start', 0.2], ['skip', 0.15], ['complete', 0.12], ['like', 0.05],
  ['save', 0.03], ['dislike', 0.02], ['follow_artist', 0.015], ['ban_artist', 0.015],
];

function makeBodies(count: number, runId: string, seed: number): string[] {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const now = Date.now();
  const bodies: string[] = [];
  let id = 0;
  for (let b = 0; b < count; b++) {
    const events: object[] = [];
    for (let i = 0; i < BATCH; i++) {
      let r = rnd();
      let type = 'impression';
      for (const [t, p] of TYPES) {
        if (r < p) { type = t; break; }
        r -= p;
      }
      const userId = `u${Math.floor(rnd() * LISTENERS)}`;
      const base = { eventId: `${runId}-${id++}`, type, userId, timestamp: now - Math.floor(rnd() * 3_600_000), surface: 'home' };
      if (type === 'follow_artist' || type === 'ban_artist') events.push({ ...base, artistId: `a${Math.floor(rnd() * ARTISTS)}` });
      else if (type === 'impression') events.push({ ...base, trackId: `t${Math.floor(rnd() * TRACKS)}`, requestId: `r${id}`, position: i % 30, propensity: 0.5 });
      else if (type === 'skip') events.push({ ...base, trackId: `t${Math.floor(rnd() * TRACKS)}`, position: Math.floor(rnd() * 200_000) });
      else events.push({ ...base, trackId: `t${Math.floor(rnd() * TRACKS)}` });
    }
    bodies.push(JSON.stringify({ events }));
  }
  return bodies;
}

function post(agent: http.Agent, port: number, body: string): Promise<{ status: number; accepted: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/events', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return resolve({ status: res.statusCode ?? 0, accepted: 0, rejected: 0 });
          const j = JSON.parse(text) as { accepted: string[]; rejected: unknown[] };
          resolve({ status: 200, accepted: j.accepted.length, rejected: j.rejected.length });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface RunResult {
  backend: string;
  events: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  rejected: number;
  failed: number;
  peakRss: number;
}

async function run(backend: string, eventsUrl: string, stateUrl: string, batches: number, connections: number): Promise<RunResult> {
  const self = fileURLToPath(import.meta.url);
  const child: ChildProcess = fork(self, ['--serve', eventsUrl, stateUrl], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)));
  });
  const runId = `bench-${process.pid}-${Date.now()}`;
  const warm = makeBodies(10, `${runId}-w`, 7);
  const bodies = makeBodies(batches, runId, 42);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  for (const b of warm) await post(agent, port, b);
  const latencies: number[] = [];
  let accepted = 0;
  let rejected = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const r = await post(agent, port, body);
        latencies.push(performance.now() - t0);
        accepted += r.accepted;
        rejected += r.rejected;
        if (r.status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const peakRss = await new Promise<number>((resolve) => {
    child.once('message', (m: { peakRss: number }) => resolve(m.peakRss));
    child.send({ cmd: 'stop' });
  });
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { backend, events: accepted, seconds, perSecond: accepted / seconds, p50: q(0.5), p99: q(0.99), rejected, failed, peakRss };
}

async function catalogChanges(worldDir: string): Promise<string> {
  const t0 = performance.now();
  const base = loadCatalog(worldDir);
  const loadMs = performance.now() - t0;
  const catalog = new MutableCatalog(base);
  const lastGenre = base.genres[base.genres.length - 1]!;
  const parent = base.genres.find((g) => g.id === lastGenre.parent);
  const release = (t: number): TrackUpsert => ({
    id: `new-release-${t}`, title: 'New release', artist: { id: base.artistIds.idAt(1) }, genres: [parent !== undefined ? `${parent.name}/${lastGenre.name}` : lastGenre.name],
    releaseDate: '2026-11-25', durationMs: 181_000, explicit: false, markets: ['US', 'GB'],
    features: Object.fromEntries(base.featureNames.map((name) => [name, 0.1])),
  });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t1 = performance.now();
  await catalog.submit([release(base.trackCount)]);
  const firstMs = performance.now() - t1;
  delay.disable();
  const t2 = performance.now();
  for (let i = 1; i <= 1000; i++) await catalog.submit([release(base.trackCount + i)]);
  const nextMs = (performance.now() - t2) / 1000;
  const t3 = performance.now();
  for (let i = 0; i < 1000; i++) await catalog.submit([{ id: base.trackIds.idAt(i * 997), markets: ['US'] }]);
  const updateMs = (performance.now() - t3) / 1000;
  return `catalog changes on ${base.trackCount.toLocaleString('en-US')} tracks (${worldDir}, loaded in ${(loadMs / 1000).toFixed(1)} s): ` +
    `first new release ${firstMs.toFixed(0)} ms (columns grown in the background; max event-loop delay meanwhile ${(delay.max / 1e6).toFixed(1)} ms), ` +
    `next releases ${nextMs.toFixed(3)} ms each, licence update ${updateMs.toFixed(3)} ms each (in memory, no change log)`;
}

async function main(): Promise<void> {
  const batches = Number(arg('batches', '300'));
  const connections = Number(arg('connections', '4'));
  const backends = arg('backends', 'lmdb,redis+nats').split(',');
  const machine = `${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
  const date = new Date().toISOString();
  console.log(`machine: ${machine}`);
  console.log(`date: ${date}`);
  const loadAtStart = os.loadavg()[0]!;
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`inputs: ${batches} batches x ${BATCH} events over ${connections} keep-alive connections (+10 warm-up batches); ` +
    `event mix ${TYPES.map(([t, p]) => `${t} ${Math.round(p * 100)}%`).join(', ')}; ${LISTENERS} listeners, catalog stub with ${TRACKS} track ids`);
  const results: RunResult[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-bench-events-'));
  try {
    for (const backend of backends) {
      if (backend === 'lmdb') {
        results.push(await run('embedded: LMDB event log + LMDB listener state', `lmdb://${tmp}/events`, `lmdb://${tmp}/state`, batches, connections));
      } else if (backend === 'redis+nats') {
        const natsUrl = process.env.ENCORE_NATS_URL ?? 'nats://127.0.0.1:4222';
        const redisUrl = process.env.ENCORE_REDIS_URL ?? 'redis://127.0.0.1:6379';
        const stream = `ENCORE_BENCH_${process.pid}`;
        const prefix = `encore-bench:${process.pid}:`;
        try {
          results.push(await run('distributed: NATS JetStream event log + Redis listener state', `${natsUrl}/${stream}`, `${redisUrl}?prefix=${encodeURIComponent(prefix)}`, batches, connections));
        } finally {
          const { servers } = parseNatsUrl(`${natsUrl}/${stream}`);
          const log = await NatsEventLog.open(servers, stream).catch(() => null);
          if (log !== null) await log.destroy().then(() => log.close());
          const redis = new Redis(parseRedisUrl(redisUrl).url);
          let cursor = '0';
          do {
            const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
            if (keys.length > 0) await redis.del(...keys);
            cursor = nextCursor;
          } while (cursor !== '0');
          await redis.quit();
        }
      } else throw new Error(`unknown backend ${backend}`);
      const r = results[results.length - 1]!;
      console.log(`${r.backend}: ${Math.round(r.perSecond).toLocaleString('en-US')} accepted events/s (${r.events} in ${r.seconds.toFixed(2)} s); ` +
        `batch latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; rejected ${r.rejected}, failed batches ${r.failed}; service peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const world = arg('world', '');
  let catalogLine = '';
  if (world !== '') {
    catalogLine = await catalogChanges(world);
    console.log(catalogLine);
  }
  const command = `npm run bench:events -- --batches ${batches} --connections ${connections} --backends ${backends.join(',')}${world !== '' ? ` --world ${world}` : ''}`;
  const md = [
    '# Event ingestion benchmark (`bench/events.ts`)',
    '',
    `- command: \`${command}\``,
    `- date: ${date}`,
    `- machine: ${machine} (shared with other jobs; load average at start ${loadAtStart.toFixed(1)}; figures are noisy)`,
    `- inputs: ${batches} batches x ${BATCH} events, ${connections} keep-alive connections over loopback, service in its own process; ` +
      `${LISTENERS} listeners; catalog stub with ${TRACKS.toLocaleString('en-US')} track ids (ingestion only checks id ranges)`,
    '- "accepted" = appended durably to the event log (awaited before the answer) and applied to the listener state',
    '',
    '| backend | accepted events/s | batch p50 (ms) | batch p99 (ms) | service peak RSS |',
    '|---|---|---|---|---|',
    ...results.map((r) => `| ${r.backend} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.peakRss / 2 ** 20).toFixed(0)} MiB |`),
    '',
    ...(catalogLine !== '' ? [`- ${catalogLine}`, ''] : []),
  ].join('\n');
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'events.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, md);
  console.log(`wrote ${out}`);
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3]!, process.argv[4]!).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
