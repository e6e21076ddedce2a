// Limits: body size, events per batch, URL / path-segment / header length, per-key rate limits, the
// server-side deadline, and load shedding (in flight, queue deadline): each a coded 4xx/429/503.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import type { ListenEvent } from '../../src/domain/events.js';
import { ApiKeys } from '../../src/server/apiKeys.js';
import { buildApp } from '../../src/server/app.js';
import { DEFAULT_LIMITS } from '../../src/server/plugins/limits.js';
import { LoadShedder } from '../../src/server/plugins/overload.js';
import type { EventLog } from '../../src/storage/interfaces.js';
import { Redis } from 'ioredis';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';
import { redisSkipReason } from '../storage/servers.js';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';
const keys = ApiKeys.parse({ env: `${KEY_A}:events+feed,${KEY_B}:events+feed` });
const ev = (i: number) => ({ eventId: `l${i}`, type: 'like', userId: 'u1', trackId: 't5', timestamp: Date.now(), surface: 'home' });

/** An event log whose appends wait until released (a slow or hung disk). */
class GatedLog implements EventLog {
  private gates: (() => void)[] = [];
  append(events: readonly ListenEvent[]) {
    return new Promise<{ appended: number; duplicates: string[] }>((resolve) => this.gates.push(() => resolve({ appended: events.length, duplicates: [] })));
  }
  release(): void {
    for (const g of this.gates.splice(0)) g();
  }
  get waiting(): number {
    return this.gates.length;
  }
  async read() {
    return { events: [], next: 0 };
  }
  async erase() {}
  async erasedListeners() {
    return new Set<string>();
  }
  async close() {}
}

test('body, batch, URL and path-segment limits answer coded 4xx errors', async () => {
  const app = await buildApp(testDeps(makeTestWorld()));
  try {
    const big = await app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/json' }, payload: `{"events":[${'"x",'.repeat(3_000_000)}"x"]}` });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json<{ code: string }>().code, 'ENC_TOO_LARGE');
    const batch = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: Array.from({ length: 1001 }, (_, i) => ev(i)) } });
    assert.equal(batch.statusCode, 400);
    assert.match(batch.json<{ message: string }>().message, /events must NOT have more than 1000 items/);
    const longUrl = await app.inject(`/v1/users/u1/feed?surface=home&pad=${'x'.repeat(9000)}`);
    assert.equal(longUrl.statusCode, 414);
    assert.equal(longUrl.json<{ code: string }>().code, 'ENC_URL_TOO_LONG');
    const longSegment = await app.inject(`/v1/users/${'u'.repeat(2000)}/feed`);
    assert.equal(longSegment.statusCode, 414);
    const badType = await app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/xml' }, payload: '<events/>' });
    assert.equal(badType.statusCode, 415);
    assert.equal(badType.json<{ code: string }>().code, 'ENC_UNSUPPORTED_MEDIA');
  } finally {
    await app.close();
  }
});

test('headers past 16 KiB are refused by the HTTP server (431) before any handler', async () => {
  const app = await buildApp(testDeps(makeTestWorld()));
  try {
    await app.listen({ host: '127.0.0.1', port: 18110 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: 18110, path: '/healthz', headers: { 'x-pad': 'p'.repeat(20_000) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 431);
  } finally {
    await app.close();
  }
});

test('rate limit per API key: 429 with Retry-After and a coded error; another key has its own budget', async () => {
  const app = await buildApp(testDeps(makeTestWorld()), { auth: { keys, readsOpen: true }, limits: { ...DEFAULT_LIMITS, ratePerWindow: 3, rateWindowMs: 60_000 } });
  try {
    const get = (key: string) => app.inject({ url: '/v1/users/u1/feed?limit=5', headers: { 'x-api-key': key } });
    for (let i = 0; i < 3; i++) assert.equal((await get(KEY_A)).statusCode, 200);
    const limited = await get(KEY_A);
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
    assert.equal(limited.json<{ code: string }>().code, 'ENC_RATE_LIMITED');
    assert.equal((await get(KEY_B)).statusCode, 200, 'another key has its own bucket');
    assert.equal((await app.inject('/healthz')).statusCode, 200, 'health checks are not limited');
  } finally {
    await app.close();
  }
});

test('a request not answered within the deadline gets 503 ENC_TIMEOUT with Retry-After', async () => {
  const log = new GatedLog();
  const app = await buildApp({ ...testDeps(makeTestWorld()), eventLog: log }, { limits: { ...DEFAULT_LIMITS, handlerTimeoutMs: 50 } });
  try {
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [ev(1)] } });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json<{ code: string }>().code, 'ENC_TIMEOUT');
    assert.equal(res.headers['retry-after'], '1');
  } finally {
    log.release();
    await app.close();
  }
});

test('load shedding: past maxInFlight a request is answered 503 ENC_OVERLOADED at once; health is never shed', async () => {
  const log = new GatedLog();
  const app = await buildApp({ ...testDeps(makeTestWorld()), eventLog: log }, { overload: { maxInFlight: 2, maxQueueMs: 1e9 } });
  try {
    await app.listen({ host: '127.0.0.1', port: 18111 });
    const base = 'http://127.0.0.1:18111';
    const post = (i: number) => fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [ev(10 + i)] }) });
    const held = [post(0), post(1)];
    while (log.waiting < 2) await new Promise((r) => setTimeout(r, 10)); // both appends are held: 2 in flight
    const shed = await fetch(`${base}/v1/users/u1/feed`);
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get('retry-after'), '1');
    const body = (await shed.json()) as { code: string; message: string; statusCode: number };
    assert.equal(body.code, 'ENC_OVERLOADED');
    assert.match(body.message, /2 requests in flight \(limit 2\)/);
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'health is never shed');
    log.release();
    for (const r of await Promise.all(held)) assert.equal(r.status, 200);
    assert.equal((await fetch(`${base}/v1/users/u1/feed`)).status, 200, 'served again once the in-flight requests finished');
  } finally {
    log.release();
    await app.close();
  }
});

test('queue deadline: while the event loop lags past maxQueueMs, requests are shed; served again after', () => {
  const lag = { currentLagMs: 0 };
  const shedder = new LoadShedder({ maxInFlight: 10, maxQueueMs: 100 }, lag);
  assert.equal(shedder.admit(), null);
  lag.currentLagMs = 150;
  assert.match(shedder.admit() ?? '', /wait 150 ms in the queue \(deadline 100 ms\)/);
  lag.currentLagMs = 20;
  assert.equal(shedder.admit(), null);
  assert.equal(shedder.current, 2);
  shedder.done();
  assert.equal(shedder.current, 1);
});

test('queue deadline counts the work admitted ahead: in flight x time between completions', () => {
  let t = 0;
  const shedder = new LoadShedder({ maxInFlight: 1000, maxQueueMs: 100 }, { currentLagMs: 0 }, () => t);
  for (let i = 0; i < 30; i++) assert.equal(shedder.admit(), null, 'nothing known about the cost yet');
  t += 10;
  shedder.done(); // one completion 10 ms into the busy period: 29 in flight x 10 ms ahead of a new one
  assert.match(shedder.admit() ?? '', /wait 290 ms in the queue/);
  for (let i = 0; i < 20; i++) {
    t += 10;
    shedder.done();
  }
  assert.equal(shedder.admit(), null, '9 in flight x 10 ms = 90 ms: served');
});

test('scale-out: the rate limit is shared by replicas through Redis', { skip: await redisSkipReason() }, async () => {
  const redis = new Redis(process.env.ENCORE_REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((r) => redis.once('ready', r));
  const limits = { ...DEFAULT_LIMITS, ratePerWindow: 4, rateWindowMs: 60_000, redis, redisNamespace: `sec:test:${process.pid}:${Date.now()}:rate:` };
  const [a, b] = await Promise.all([0, 1].map(() => buildApp(testDeps(makeTestWorld()), { auth: { keys, readsOpen: true }, limits })));
  try {
    const get = (app: typeof a) => app!.inject({ url: '/v1/users/u1/feed?limit=5', headers: { 'x-api-key': KEY_A } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(i % 2 === 0 ? a : b)).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429], 'four requests per minute for this key across both replicas');
  } finally {
    await a!.close();
    await b!.close();
    const stale = await redis.keys(`${limits.redisNamespace}*`);
    if (stale.length > 0) await redis.del(...stale);
    redis.disconnect();
  }
});
