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
import { errorSchema } from '../../src/server/schemas/common.js';

async function makeApp() {
  const catalog = new MutableCatalog(tinyCatalog(200, 20));
  const eventLog = new MemoryEventLog();
  const listenerState = new MemoryListenerState();
  const app = Fastify();
  app.addSchema(errorSchema); // the routes' error answers refer to it (buildApp adds it)
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
  assert.match(body.rejected[0]!.reason, /unknown track "t999"/);
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

test('PUT /v1/tracks adds a release under the app\'s own id (then events may name it) and ends a licence in a market', async () => {
  const { app, catalog } = await makeApp();
  const id = 'spotify:track:6rqhFgbbKwnb9MLmUQDhG6';
  const add = await app.inject({
    method: 'PUT',
    url: '/v1/tracks',
    payload: {
      tracks: [
        {
          id, title: 'Brand New', artist: { id: 'a2' }, album: { id: 'album/new-one', name: 'New One' }, genres: ['Techno'], releaseDate: '2026-11-25',
          durationMs: 190000, explicit: false, markets: ['US', 'GB', 'NO'], features: { energy: 1, valence: 0, tempo: 0.5, acousticness: 0.2 },
        },
        { id: 't5', markets: ['US'] },
        { id: 't300', title: 'Gap', artist: { id: 'artist-never-seen' } }, // a new artist needs a name
        { id: 't1', durationMs: 'long' },
        { title: 'no id' },
      ],
    },
  });
  assert.equal(add.statusCode, 200, add.body);
  const body = add.json<TracksResponse>();
  assert.deepEqual(body.added, [id]);
  assert.deepEqual(body.updated, ['t5']);
  assert.deepEqual(body.rejected.map((r) => r.index), [2, 3, 4]);
  assert.match(body.rejected[0]!.reason, /needs a name/);
  assert.equal(body.rejected[0]!.trackId, 't300');
  assert.match(body.rejected[1]!.reason, /durationMs/);
  assert.match(body.rejected[2]!.reason, /^id /);
  assert.equal(catalog.trackCount, 201);
  assert.equal(catalog.trackIds.indexOf(id), 200);
  assert.equal(catalog.trackIds.has('t300'), false);
  assert.deepEqual([...catalog.recentlyAdded()], [200]);
  assert.equal(catalog.albumIds.idAt(catalog.columns.album[200]!), 'album/new-one');
  assert.equal(catalog.markets.at(-1), 'NO', 'a market code seen for the first time is added');
  assert.deepEqual(catalog.marketSets.members(catalog.columns.marketSet[5]!, catalog.markets.length), [catalog.markets.indexOf('US')], 'only US is left');
  const like = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [ev('like', { trackId: id }), ev('like', { trackId: 't200' })] } });
  const liked = like.json<EventsResponse>();
  assert.equal(liked.accepted.length, 1);
  assert.deepEqual(liked.rejected.map((r) => r.index), [1], 't200 is not a track: ids carry no number');
  for (const payload of [{ tracks: [] }, { tracks: 'all' }, { tracks: [1] }, {}]) {
    const bad = await app.inject({ method: 'PUT', url: '/v1/tracks', payload });
    assert.equal(bad.statusCode, 400, JSON.stringify(payload));
  }
});

test('events accept any well-formed ids and refuse malformed ones', async () => {
  const { app, listenerState } = await makeApp();
  const users = ['3f0c9a52-7a1e-4b8e-9a0d-2b6f1c4e8d71', 'spotify:user:anna', 'Åsa Öberg/2', 'x'.repeat(256)];
  const good = users.map((userId) => ev('dislike', { userId, trackId: 't9' }));
  const bad = [ev('like', { userId: '' }), ev('like', { userId: 'a\u0007b' }), ev('like', { userId: 'x'.repeat(257) }), ev('like', { userId: 42 }), ev('like', { trackId: 'bad\u0000id' })];
  const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [...good, ...bad] } });
  const body = res.json<EventsResponse>();
  assert.deepEqual(body.accepted, good.map((e) => e.eventId));
  assert.deepEqual(body.rejected.map((r) => r.index), [4, 5, 6, 7, 8]);
  for (const r of body.rejected.slice(0, 4)) assert.match(r.reason, /userId/);
  assert.match(body.rejected[4]!.reason, /trackId/);
  for (const userId of users) assert.deepEqual((await listenerState.get(userId))!.dislikedTracks, [9], userId);
});

test('when the event log is down the batch is answered 503 (nothing stored, safe to retry) and state is untouched', async () => {
  const listenerState = new MemoryListenerState();
  const eventLog = new MemoryEventLog();
  eventLog.append = async () => {
    throw new Error('disk full');
  };
  const app = Fastify();
  app.addSchema(errorSchema);
  installErrorHandler(app);
  await app.register(eventsPlugin, { deps: { catalog: tinyCatalog(), eventLog, listenerState } });
  const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [ev('dislike')] } });
  assert.equal(res.statusCode, 503, res.body);
  assert.match(res.body, /ENC_STORAGE/);
  assert.equal(await listenerState.get('u1'), null);
});
