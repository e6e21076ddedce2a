// Scale-out proof: two service replicas (separate processes) on Redis + NATS JetStream. An event posted
// to replica 1 changes the feed served by replica 2; a replica killed right after an accepted POST loses
// no accepted event. The same kill -9 check runs on the embedded LMDB backend.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedResult } from '../../src/pipeline/types.js';
import type { EventsResponse } from '../../src/server/plugins/events.js';
import type { TracksResponse } from '../../src/server/plugins/tracks.js';
import { LmdbEventLog } from '../../src/storage/LmdbEventLog.js';
import { NatsEventLog } from '../../src/storage/NatsEventLog.js';
import { RedisListenerState } from '../../src/storage/RedisListenerState.js';
import type { EventLog } from '../../src/storage/interfaces.js';
import { parseNatsUrl, parseRedisUrl, readEvents } from '../../src/storage/open.js';
import { natsSkipReason, redisSkipReason } from '../storage/servers.js';
import { postJson, startReplica } from './replicas.js';

const skip = (await natsSkipReason()) || (await redisSkipReason());
const now = Date.now();
let n = 0;
const ev = (type: string, userId: string, extra: Record<string, unknown>) => ({ eventId: `so-${process.pid}-${now}-${n++}`, type, userId, timestamp: now, surface: 'home', ...extra });

async function feed(url: string, user: string): Promise<FeedResult> {
  const res = await fetch(`${url}/v1/users/${user}/feed`);
  assert.equal(res.status, 200);
  return (await res.json()) as FeedResult;
}

async function allEventIds(log: EventLog): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of readEvents(log, 5000)) for (const e of page) ids.add(e.eventId);
  return ids;
}

/**
 * Streams batches to a replica on several connections and calls `kill` the moment the first answer
 * arrives; returns the eventIds of every batch that was answered 200 before the replica died.
 */
async function killMidStream(url: string, kill: () => Promise<void>, user: string): Promise<{ accepted: string[]; acknowledgedBatches: number }> {
  const accepted: string[] = [];
  let acknowledgedBatches = 0;
  let killing: Promise<void> | null = null;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 5 && killing === null; i++) {
        try {
          const res = await postJson<EventsResponse>(`${url}/v1/events`, { events: bigBatch(user, 500) });
          if (res.status === 200) {
            acknowledgedBatches++;
            accepted.push(...res.body.accepted);
          }
        } catch {
          return; // connection reset: the replica is gone; this batch was never acknowledged
        }
        killing ??= kill();
      }
    }),
  );
  await killing;
  return { accepted, acknowledgedBatches };
}

function bigBatch(user: string, size: number) {
  return Array.from({ length: size }, (_, i) => ev(i % 2 === 0 ? 'play_start' : 'complete', user, { trackId: `t${i % 3000}` }));
}

describe('scale-out on Redis + NATS JetStream', { skip }, () => {
  test('an event posted to replica 1 changes the feed of replica 2; kill -9 after an accepted POST loses nothing', async () => {
    const { servers } = parseNatsUrl(process.env.ENCORE_NATS_URL ?? 'nats://127.0.0.1:4222');
    const stream = `ENCORE_SCALEOUT_${process.pid}_${now}`;
    const prefix = `encore-scaleout:${process.pid}:${now}:`;
    const redisUrl = parseRedisUrl(process.env.ENCORE_REDIS_URL ?? 'redis://127.0.0.1:6379').url;
    const eventsUrl = `nats://${servers}/${stream}`;
    const stateUrl = `${redisUrl}${redisUrl.includes('?') ? '&' : '?'}prefix=${encodeURIComponent(prefix)}`;
    const [r1, r2] = await Promise.all([startReplica(eventsUrl, stateUrl), startReplica(eventsUrl, stateUrl)]);
    try {
      const user = 'u8';
      const before = await feed(r2.url, user);
      assert.equal(before.items.length, 30);
      const [disliked, skipped] = before.items;
      const posted = await postJson<EventsResponse>(`${r1.url}/v1/events`, {
        events: [ev('dislike', user, { trackId: disliked!.trackId }), ev('skip', user, { trackId: skipped!.trackId, position: 2000 })],
      });
      assert.equal(posted.status, 200);
      assert.equal(posted.body.accepted.length, 2);
      const after = await feed(r2.url, user);
      const ids = new Set(after.items.map((i) => i.trackId));
      assert.ok(!ids.has(disliked!.trackId), 'replica 2 no longer serves the track disliked on replica 1');
      assert.ok(!ids.has(skipped!.trackId), 'replica 2 no longer serves the track skipped on replica 1');

      // The same event id posted to the other replica is a duplicate (JetStream dedupe by Nats-Msg-Id).
      const again = await postJson<EventsResponse>(`${r2.url}/v1/events`, { events: [ev('like', user, { trackId: 't1' })] });
      const repeat = await postJson<EventsResponse>(`${r1.url}/v1/events`, { events: [{ ...ev('like', user, { trackId: 't1' }), eventId: again.body.accepted[0]! }] });
      assert.deepEqual(repeat.body.duplicates, again.body.accepted);

      // Catalog changes reach the other replica: a licence ending in the listener's market (u8 is in SE)
      // on replica 1 takes the track out of replica 2's feed; a new release on replica 1, under the app's own
      // id, can be named in events posted to replica 2.
      const ended = after.items[0]!.trackId;
      const fresh = 'isrc:SE-FRE-26-00001';
      const put = await postJson<TracksResponse>(`${r1.url}/v1/tracks`, {
        tracks: [
          { id: ended, markets: ['US'] },
          { id: fresh, title: 'Fresh', artist: { id: 'a1' }, releaseDate: '2026-11-25', durationMs: 180000, explicit: false, markets: ['SE', 'US'] },
        ],
      }, 'PUT');
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(put.body.updated, [ended]);
      assert.deepEqual(put.body.added, [fresh]);
      let gone = false;
      for (let i = 0; i < 100 && !gone; i++) {
        gone = !(await feed(r2.url, user)).items.some((it) => it.trackId === ended);
        if (!gone) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(gone, 'replica 2 stopped serving the track whose SE licence ended on replica 1');
      const onNew = await postJson<EventsResponse>(`${r2.url}/v1/events`, { events: [ev('like', 'u10', { trackId: fresh })] });
      assert.equal(onNew.body.accepted.length, 1, JSON.stringify(onNew.body));

      // kill -9 replica 1 mid-stream: batches keep arriving, it dies right after answering the first one;
      // every event it acknowledged must be in the stream (the ones in flight may or may not be).
      const { accepted, acknowledgedBatches } = await killMidStream(r1.url, () => r1.kill9(), 'u9');
      assert.ok(acknowledgedBatches >= 1);
      const log = await NatsEventLog.open(servers, stream);
      try {
        const stored = await allEventIds(log);
        for (const id of accepted) assert.ok(stored.has(id), `accepted event ${id} is in the log`);
      } finally {
        await log.close();
      }
      // Replica 2 keeps serving and reflects replica 1's last batch.
      const state = await RedisListenerState.open(redisUrl, prefix);
      try {
        assert.ok((await state.get('u9'))!.recentTracks.length > 0);
      } finally {
        await state.destroy();
        await state.close();
      }
      assert.equal((await feed(r2.url, user)).items.length, 30);
    } finally {
      await Promise.all([r1.stop(), r2.stop()]);
      for (const name of [stream, `${stream}_CATALOG`]) {
        const log = await NatsEventLog.open(servers, name).catch(() => null);
        if (log !== null) await log.destroy().then(() => log.close());
      }
    }
  });
});

test('embedded LMDB: kill -9 right after an accepted POST loses no accepted event', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'encore-kill9-'));
  try {
    const replica = await startReplica(`lmdb://${dir}/events`, `lmdb://${dir}/state`);
    const { accepted, acknowledgedBatches } = await killMidStream(replica.url, () => replica.kill9(), 'u3');
    assert.ok(acknowledgedBatches >= 1);
    const log = LmdbEventLog.open(join(dir, 'events'));
    try {
      const stored = await allEventIds(log);
      for (const id of accepted) assert.ok(stored.has(id), `accepted event ${id} is in the log`);
    } finally {
      await log.close();
    }
    // A restarted replica recognises the acknowledged ids: a client retrying them gets duplicates.
    const restarted = await startReplica(`lmdb://${dir}/events`, `lmdb://${dir}/state`);
    try {
      const retry = accepted.slice(0, 10).map((eventId) => ({ ...ev('play_start', 'u3', { trackId: 't1' }), eventId }));
      const again = await postJson<EventsResponse>(`${restarted.url}/v1/events`, { events: retry });
      assert.equal(again.body.duplicates.length, 10, 'ids survive the crash: a retried batch is recognised');
    } finally {
      await restarted.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
