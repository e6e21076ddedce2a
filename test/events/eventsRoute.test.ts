import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import { eventsPlugin, type EventsResponse } from '../../src/server/plugins/events.js';
import { tracksPlugin, type TracksResponse } from '../../src/server/plugins/tracks.js';
import { MemoryEventLog } from '../../src/storage/MemoryEventLog.js';
import { MemoryListenerState } from '../../src/storage/MemoryListenerState.js';
import { tinyCatalog } from './tinyCatalog.js';
import { installErrorHandler } from '../../src/server/errorHandler.js';

async function makeApp() {
  const catalog = new MutableCatalog(tinyCatalog(200, 20));
  const eventLog = new MemoryEventLog();
  const listenerState = new MemoryListenerState();
  const app = Fastify();
  const deps = { catalog, eventLog, listenerState, metrics: new Registry() };
  await app.register(eventsPlugin, { deps });
  await app.register(tracksPlugin, { deps });
  return { app, catalog, eventLog, listenerState };
}

const now = Date.now();
let n = 0;
const ev = (type: string, extra: object = {}) => ({ eventId: `ev${++n}`, type, userId: 'u1', trackId: 't5', timestamp: now, surface: 'home', ...extra });

test('each event is validated on its own: good ones are stored and applied, bad ones listed with index and reason', async () => {
  const { app, eventLog, listenerState } = await makeApp();
  const batch = [
    ev('dislike', { trackId: 't9' }),
    ev('like', { trackId: 't999' }), // unknown track
    ev('skip', { position: 4000 }),
    ev('skip'), // no position
    { type: 'play_start', userId: 'u1', trackId: 't1', timestamp: now }, // no eventId
    ev('explode'),
    ev('ban_artist', { trackId: 't7' }), // artist of t7 = a7
    ev('impression', { requestId: 'r1', position: 2, propensity: 0.1 }),
    ev('like', { timestamp: Math.floor(now / 1000) }), // seconds, not ms
    ev('follow_artist', { trackId: undefined, artistId: 'a3' }),
    'not an object',
  ];
  const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: batch } });
  assert.equal(res.statusCode, 200);
  const body = res.json<EventsResponse>();
  assert.deepEqual(body.accepted, [batch[0], batch[2], batch[6], batch[7], batch[9]].map((e) => (e as unknown as { eventId: string }).eventId));
  assert.deepEqual(body.rejected.map((r) => r.index), [1, 3, 4, 5, 8, 10]);
  assert.match(body.rejected[0]!.reason, /unknown track t999/);
  assert.match(body.rejected[1]!.reason, /position/);
  assert.match(body.rejected[2]!.reason, /eventId/);
  assert.match(body.rejected[3]!.reason, /type must be one of/);
  assert.match(body.rejected[4]!.reason, /milliseconds/);
  assert.equal(body.rejected[0]!.eventId, (batch[1] as { eventId: string }).eventId);
  const stored = await eventLog.read(0, 100);
  assert.equal(stored.events.length, 5);
  assert.equal(stored.events[2]!.artistId, 'a7', 'ban by track stores the artist');
  const s = (await listenerState.get('u1'))!;
  assert.deepEqual(s.dislikedTracks, [9]);
  assert.deepEqual(s.sessionSkipped, [5]);
  assert.equal(s.sessionSkipStreak, 1);
  assert.deepEqual(s.bannedArtists, [7]);
  assert.deepEqual(s.followedArtists, [3]);
});

test('a repeated eventId is accepted once: the retry is a duplicate and state is not applied twice', async () => {
  const { app, listenerState } = await makeApp();
  const a = ev('skip', { position: 1000 });
  const b = ev('skip', { position: 1000, trackId: 't6' });
  const first = (await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [a, a] } })).json<EventsResponse>();
  assert.deepEqual(first.accepted, [a.eventId]);
  assert.deepEqual(first.duplicates, [a.eventId]);
  const retry = (await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [a, b] } })).json<EventsResponse>();
  assert.deepEqual(retry.accepted, [b.eventId]);
  assert.deepEqual(retry.duplicates, [a.eventId]);
  assert.equal((await listenerState.get('u1'))!.sessionSkipStreak, 2);
});

test('a malformed envelope is a 400 and stores nothing', async () => {
  const { app, eventLog } = await makeApp();
  for (const payload of [{}, { events: [] }, { events: { a: 1 } }, { events: Array.from({ length: 1001 }, () => ev('like')) }]) {
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80));
  }
  assert.equal((await eventLog.read(0, 10)).events.length, 0);
  const full = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: Array.from({ length: 1000 }, () => ev('like')) } });
  assert.equal(full.json<EventsResponse>().accepted.length, 1000);
});

test('PUT /v1/tracks adds a release (then events may name it) and ends a licence in a market', async () => {
  const { app, catalog } = await makeApp();
  const add = await app.inject({
    method: 'PUT',
    url: '/v1/tracks',
    payload: {
      tracks: [
        { trackId: 't200', title: 'Brand New', artistId: 'a2', genre: 3, releaseDate: '2026-11-25', durationMs: 190000, explicit: false, markets: ['US', 'GB'], features: [1, 0, 0.5, 0.2] },
        { trackId: 't5', markets: ['US'] },
        { trackId: 't300', title: 'Gap', artistId: 'a2', genre: 3, releaseDate: '2026-11-25', durationMs: 1, explicit: false, markets: [], features: [] },
      ],
    },
  });
  assert.equal(add.statusCode, 200);
  const body = add.json<TracksResponse>();
  assert.deepEqual(body.added, ['t200']);
  assert.deepEqual(body.updated, ['t5']);
  assert.equal(body.rejected[0]!.index, 2);
  assert.equal(catalog.trackCount, 201);
  assert.deepEqual([...catalog.recentlyAdded()], [200]);
  assert.equal(catalog.columns.markets[5], 1, 'only US (bit 0) is left');
  const like = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [ev('like', { trackId: 't200' })] } });
  assert.equal(like.json<EventsResponse>().accepted.length, 1);
  const bad = await app.inject({ method: 'PUT', url: '/v1/tracks', payload: { tracks: [{ trackId: 't1', durationMs: 'long' }] } });
  assert.equal(bad.statusCode, 400);
});

test('when the event log is down the batch is answered 503 (nothing stored, safe to retry) and state is untouched', async () => {
  const listenerState = new MemoryListenerState();
  const eventLog = new MemoryEventLog();
  eventLog.append = async () => {
    throw new Error('disk full');
  };
  const app = Fastify();
  installErrorHandler(app);
  await app.register(eventsPlugin, { deps: { catalog: tinyCatalog(), eventLog, listenerState } });
  const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [ev('dislike')] } });
  assert.equal(res.statusCode, 503, res.body);
  assert.match(res.body, /ENC_STORAGE/);
  assert.equal(await listenerState.get('u1'), null);
});
