// The app's own ids through every route: UUIDs, URIs with ':' and '/', non-ASCII and 256-byte ids, as sent;
// listener profiles, erasure, takedown, search and the genre/market lists.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { IdDictionary } from '../../src/catalog/IdDictionary.js';
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import type { FeedResult } from '../../src/pipeline/types.js';
import { buildApp } from '../../src/server/app.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

/** A 256-byte id (2-byte characters plus an ASCII tail that makes it unique). */
function longId(i: number): string {
  const tail = `#${i}`;
  return 'é'.repeat((256 - tail.length) >> 1) + 'x'.repeat((256 - tail.length) & 1) + tail;
}

function appTrackId(t: number): string {
  switch (t % 4) {
    case 0:
      return `${randomUUID()}`;
    case 1:
      return `spotify:track:ab/c d${t}`;
    case 2:
      return `träck ${t} ♪`;
    default:
      return longId(t);
  }
}

async function setup() {
  const world = makeTestWorld();
  const ids = Array.from({ length: world.catalog.trackCount }, (_, t) => appTrackId(t));
  assert.equal(Buffer.byteLength(ids[3]!, 'utf8'), 256);
  const artistIds = Array.from({ length: world.catalog.artistCount }, (_, a) => `spotify:artist:${a}/x`);
  const catalog = new MutableCatalog({ ...world.catalog, trackIds: IdDictionary.of(ids), artistIds: IdDictionary.of(artistIds) });
  const deps = { ...testDeps(world), catalog };
  const app = await buildApp(deps);
  return { app, catalog, ids };
}

const enc = encodeURIComponent;

test('feeds, events and user views carry the app ids exactly as sent', async () => {
  const { app, catalog, ids } = await setup();
  try {
    const user = 'spotify:user:ab/c ü';
    const first = await app.inject(`/v1/users/${enc(user)}/feed?market=SE&explicit=false`);
    assert.equal(first.statusCode, 200, first.body);
    const feed = first.json<FeedResult>();
    assert.equal(feed.items.length, 30);
    const known = new Set(ids);
    for (const it of feed.items) {
      assert.ok(known.has(it.trackId), `unknown id in the feed: ${it.trackId}`);
      const t = catalog.trackIds.indexOf(it.trackId);
      assert.ok(catalog.marketSets.has(catalog.columns.marketSet[t]!, catalog.markets.indexOf('SE')), 'available in SE');
      assert.equal(catalog.columns.explicit[t], 0, 'explicit=false respected');
    }
    const liked = feed.items[0]!.trackId;
    const banned = feed.items[1]!.artistId;
    const now = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: [
          { eventId: randomUUID(), type: 'like', userId: user, trackId: liked, timestamp: now },
          { eventId: randomUUID(), type: 'ban_artist', userId: user, artistId: banned, timestamp: now + 1 },
          { eventId: randomUUID(), type: 'like', userId: 'x'.repeat(257), trackId: liked, timestamp: now },
          { eventId: randomUUID(), type: 'like', userId: 'bad\u0007id', trackId: liked, timestamp: now },
          { eventId: randomUUID(), type: 'like', userId: user, trackId: 'no such track', timestamp: now },
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ accepted: number; rejected: { index: number; reason: string }[] }>();
    assert.deepEqual(body.rejected.map((r) => r.index), [2, 3, 4], res.body);
    assert.match(body.rejected[0]!.reason, /userId.*256 bytes/);
    assert.match(body.rejected[1]!.reason, /userId.*control/);
    assert.match(body.rejected[2]!.reason, /unknown track/);

    const view = (await app.inject(`/v1/users/${enc(user)}`)).json<{ userId: string; likes: string[]; bans: string[]; known: boolean }>();
    assert.equal(view.userId, user);
    assert.equal(view.known, true);
    assert.deepEqual(view.likes, [liked]);
    assert.deepEqual(view.bans, [banned]);

    const next = (await app.inject(`/v1/users/${enc(user)}/feed?market=SE`)).json<FeedResult>();
    assert.ok(!next.items.some((i) => i.artistId === banned), 'banned artist gone');

    const radio = await app.inject(`/v1/users/${enc(user)}/feed?surface=radio&seedTrackId=${enc(ids[3]!)}`);
    assert.equal(radio.statusCode, 200, radio.body);
    const tooLong = await app.inject(`/v1/users/${enc('x'.repeat(257))}/feed`);
    assert.equal(tooLong.statusCode, 400, tooLong.body);
    assert.match(tooLong.json<{ message: string }>().message, /userId/);
    const badSeed = await app.inject(`/v1/users/u1/feed?surface=radio&seedTrackId=${enc('nope')}`);
    assert.equal(badSeed.statusCode, 404, badSeed.body);
  } finally {
    await app.close();
  }
});

test('profiles, erasure, the genre and market lists', async () => {
  const { app } = await setup();
  try {
    const user = randomUUID();
    const markets = (await app.inject('/v1/markets')).json<{ markets: string[] }>().markets;
    assert.ok(markets.includes('SE'));
    const genres = (await app.inject('/v1/genres')).json<{ genres: { name: string }[] }>().genres;
    assert.ok(genres.length > 0);
    const put = await app.inject({ method: 'PUT', url: `/v1/users/${user}`, payload: { market: 'SE', explicit: false, genres: [genres[0]!.name] } });
    assert.equal(put.statusCode, 200, put.body);
    const view = (await app.inject(`/v1/users/${user}`)).json<{ profile: { market: string; explicit: boolean; genres: string[] } }>();
    assert.deepEqual(view.profile, { market: 'SE', explicit: false, genres: [genres[0]!.name] });
    const bad = await app.inject({ method: 'PUT', url: `/v1/users/${user}`, payload: { market: 'Sweden' } });
    assert.equal(bad.statusCode, 400);
    const unknownGenre = await app.inject({ method: 'PUT', url: `/v1/users/${user}`, payload: { genres: ['no such genre'] } });
    assert.equal(unknownGenre.statusCode, 400);
    assert.match(unknownGenre.json<{ message: string }>().message, /no such genre/);
    await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [{ eventId: randomUUID(), type: 'play_start', userId: user, trackId: 't1', timestamp: Date.now() }] } });

    const del = await app.inject({ method: 'DELETE', url: `/v1/users/${user}` });
    assert.equal(del.statusCode, 200, del.body);
    assert.deepEqual(del.json(), { userId: user, hadState: true, erased: true });
    const after = (await app.inject(`/v1/users/${user}`)).json<{ known: boolean; profile: { market: string } }>();
    assert.equal(after.known, false, 'state and profile gone at once');
  } finally {
    await app.close();
  }
});

test('catalog changes keep the app ids: upsert by id, takedown, search', async () => {
  const { app, catalog } = await setup();
  try {
    const id = 'isrc:USRC17607839/new';
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/tracks',
      payload: {
        tracks: [
          { id, title: 'Brand New Single', artist: { id: 'artist:new/1', name: 'Newcomer' }, album: { id: 'album:new', name: 'First' }, genres: ['rock/indie rock'], markets: ['NZ', 'SE'], releaseDate: '2026-11-30' },
          { id: 'second', title: 'No artist' },
          { id: 'x'.repeat(300), title: 'Too long', artist: { id: 'a1' } },
        ],
      },
    });
    assert.equal(put.statusCode, 200, put.body);
    const r = put.json<{ added: string[]; rejected: { index: number; reason: string }[] }>();
    assert.deepEqual(r.added, [id]);
    assert.deepEqual(r.rejected.map((x) => x.index), [1, 2]);
    assert.match(r.rejected[0]!.reason, /needs title and artist/);
    assert.match(r.rejected[1]!.reason, /^id /);
    const got = await app.inject(`/v1/tracks/${enc(id)}`);
    assert.equal(got.statusCode, 200, got.body);
    const view = got.json<{ trackId: string; artist: string; genre: string; markets: string[] }>();
    assert.equal(view.trackId, id);
    assert.equal(view.artist, 'Newcomer');
    assert.equal(view.genre, 'rock/indie rock');
    assert.deepEqual(view.markets, ['SE', 'NZ']);
    assert.ok((await app.inject('/v1/markets')).json<{ markets: string[] }>().markets.includes('NZ'), 'a new market is created');

    const found = (await app.inject('/v1/tracks?q=brand%20new')).json<{ tracks: { trackId: string }[] }>().tracks;
    assert.deepEqual(found.map((t) => t.trackId), [id]);
    const byArtist = (await app.inject('/v1/tracks?q=Artist%2012&limit=50')).json<{ tracks: { artist: string }[] }>().tracks;
    assert.ok(byArtist.length > 0 && byArtist.every((t) => t.artist.startsWith('Artist 12')));

    const down = await app.inject({ method: 'DELETE', url: `/v1/tracks/${enc(id)}` });
    assert.equal(down.statusCode, 200, down.body);
    assert.deepEqual((await app.inject(`/v1/tracks/${enc(id)}`)).json<{ markets: string[] }>().markets, []);
    assert.deepEqual((await app.inject('/v1/tracks?q=brand%20new')).json<{ tracks: unknown[] }>().tracks, []);
    const t = catalog.trackIds.indexOf(id);
    for (const m of catalog.markets.keys()) assert.equal(catalog.marketSets.has(catalog.columns.marketSet[t]!, m), false, 'available nowhere');
    assert.equal((await app.inject({ method: 'DELETE', url: `/v1/tracks/${enc('never-existed')}` })).statusCode, 404);
  } finally {
    await app.close();
  }
});
