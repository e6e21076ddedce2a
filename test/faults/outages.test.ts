// Outages of the scale-out servers, on servers of the tests' own (never the shared ones):
// - Redis stopped: feeds keep flowing, marked degraded (no fresh listener state), within the budget, and
//   recover by themselves when Redis is back (AOF appendfsync always: the state written before is back too);
// - NATS stopped: events are still acknowledged into the durable local spool, the spool survives kill -9
//   of the service, and is forwarded without duplicates (Nats-Msg-Id) when NATS is back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { percentiles } from '../../bench/loadgen/stats.js';
import { NatsEventLog } from '../../src/storage/NatsEventLog.js';
import { readEvents } from '../../src/storage/open.js';
import { record } from './report.js';
import { faultsSkipReason, NATS_PORT, OwnServer, REDIS_PORT, waitFor } from './servers.js';
import { newStreamStats, startFaultService, streamEvents } from './service.js';

const PORT = 18161;

interface Feed {
  status: number;
  degraded: { component: string }[];
  ms: number;
}

async function feed(url: string, user: string): Promise<Feed> {
  const t = performance.now();
  const res = await fetch(`${url}/v1/users/${user}/feed?limit=10`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { degraded?: { component: string }[] };
  return { status: res.status, degraded: body.degraded ?? [], ms: performance.now() - t };
}

const stateDegraded = (f: Feed): boolean => f.degraded.some((d) => d.component === 'ListenerState');

test('Redis stopped: feeds flow degraded, events are still stored, and it recovers by itself', { skip: faultsSkipReason(['redis-server']) }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-redis-out-'));
  const redis = OwnServer.redis(path.join(dir, 'redis'));
  await redis.start();
  const service = await startFaultService(PORT, `lmdb://${path.join(dir, 'events')}`, `redis://127.0.0.1:${REDIS_PORT}/?prefix=sec:faults:`);
  try {
    const before = await feed(service.url, 'u7');
    assert.equal(before.status, 200);
    assert.ok(!stateDegraded(before), 'not degraded while Redis is up');
    await redis.kill9();
    const during: Feed[] = [];
    for (let i = 0; i < 100; i++) during.push(await feed(service.url, `u${i % 100}`));
    const posted = await fetch(`${service.url}/v1/events`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ eventId: `redis-out-${Date.now()}`, type: 'like', userId: 'u7', trackId: 't5', timestamp: Date.now(), surface: 'home' }] }),
    });
    const served = during.filter((f) => f.status === 200).length;
    const degraded = during.filter(stateDegraded).length;
    await redis.start();
    let recoveredAfter = 0;
    await waitFor('feeds without degradation after Redis is back', async () => {
      recoveredAfter++;
      return !stateDegraded(await feed(service.url, 'u7'));
    });
    const [p50, p99] = percentiles(Float64Array.from(during.map((f) => f.ms)), [50, 99]);
    record({ fault: 'Redis killed -9 (scale-out listener state)', feedsDuringOutage: during.length, served, degraded, p50Ms: Number(p50!.toFixed(1)), p99Ms: Number(p99!.toFixed(1)), eventsPostStatus: posted.status, probesUntilRecovered: recoveredAfter });
    assert.equal(served, during.length, `every feed is served while Redis is down (statuses ${during.map((f) => f.status).join(',')})`);
    assert.equal(degraded, during.length, 'and says the listener state is missing');
    assert.equal(posted.status, 200, 'events are still stored in the log (the state lags)');
  } finally {
    await service.stop();
    await redis.kill9();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('NATS stopped: events go to the durable spool (surviving kill -9) and reach JetStream once, when NATS is back', { skip: faultsSkipReason(['nats-server']) }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-nats-out-'));
  const nats = OwnServer.nats(path.join(dir, 'js'));
  await nats.start();
  const stream = `SEC_SPOOL_${Date.now()}`;
  const eventsUrl = `nats://127.0.0.1:${NATS_PORT}/${stream}?spool=${encodeURIComponent(path.join(dir, 'spool'))}`;
  let service = await startFaultService(PORT, eventsUrl, 'memory://');
  try {
    const stats = newStreamStats();
    let phase: 'up' | 'down' | 'stop' = 'up';
    const streaming = streamEvents(service.url, () => phase === 'stop', stats, 50, 2);
    await waitFor('events acked with NATS up', () => stats.acked.size >= 1000);
    await nats.kill9();
    phase = 'down';
    const ackedBeforeOutage = stats.acked.size;
    await waitFor('events acked while NATS is down (spooled)', () => stats.acked.size >= ackedBeforeOutage + 1000);
    await service.kill9(); // the spool must survive this
    phase = 'stop';
    await streaming;
    const ackedDuringOutage = stats.acked.size - ackedBeforeOutage;
    await nats.start();
    service = await startFaultService(PORT, eventsUrl, 'memory://'); // forwards the spool at start
    const log = await NatsEventLog.open(`127.0.0.1:${NATS_PORT}`, stream);
    let ids = new Set<string>();
    let messages = 0;
    await waitFor('every acked event in JetStream', async () => {
      ids = new Set();
      messages = 0;
      for await (const page of readEvents(log, 5000)) {
        for (const e of page) ids.add(e.eventId);
        messages += page.length;
      }
      return [...stats.acked].every((id) => ids.has(id));
    }, 60_000);
    await log.close();
    const lost = [...stats.acked].filter((id) => !ids.has(id)).length;
    record({ fault: 'NATS killed -9, service killed -9 during the outage (spool), NATS back', sent: stats.sent, acknowledged: stats.acked.size, ackedDuringOutage, found: stats.acked.size - lost, inStream: messages, duplicates: messages - ids.size, lost });
    assert.ok(ackedDuringOutage >= 1000, 'events were acknowledged while NATS was down');
    assert.equal(lost, 0);
    assert.equal(messages, ids.size, 'no event twice in the stream');
  } finally {
    await service.stop();
    await nats.kill9();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('NATS stopped, no spool: a batch is answered 503 at once (nothing acknowledged), accepted again when NATS is back', { skip: faultsSkipReason(['nats-server']) }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-nats-nospool-'));
  const nats = OwnServer.nats(path.join(dir, 'js'));
  await nats.start();
  const service = await startFaultService(PORT, `nats://127.0.0.1:${NATS_PORT}/SEC_NOSPOOL_${Date.now()}`, 'memory://');
  const post = (id: string) => fetch(`${service.url}/v1/events`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ eventId: id, type: 'like', userId: 'u7', trackId: 't5', timestamp: Date.now(), surface: 'home' }] }),
  });
  try {
    assert.equal((await post('ns-1')).status, 200);
    await nats.kill9();
    await waitFor('the client noticed', async () => (await post('ns-probe')).status === 503);
    const down = await post('ns-2');
    const body = (await down.json()) as { code: string; message: string };
    assert.equal(down.status, 503);
    assert.equal(body.code, 'ENC_STORAGE');
    assert.match(body.message, /not connected; nothing was stored/);
    await nats.start();
    await waitFor('accepted again after NATS is back', async () => (await post('ns-2')).status === 200, 30_000);
    record({ fault: 'NATS killed -9, no spool', whileDown: `503 ${body.code}`, afterRestart: 200 });
  } finally {
    await service.stop();
    await nats.kill9();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
