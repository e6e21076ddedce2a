// Events posted through the app change the very next feed: dislikes, bans, session skips, plays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedResult } from '../../src/pipeline/types.js';
import { buildApp } from '../../src/server/app.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

test('disliked tracks, banned artists, skipped and played tracks leave the next feed', async () => {
  const world = makeTestWorld();
  const app = await buildApp(testDeps(world));
  try {
    const get = async (): Promise<FeedResult> => (await app.inject('/v1/users/u6/feed')).json<FeedResult>();
    const first = await get();
    assert.equal(first.items.length, 30);
    const [disliked, skipped, played, bannedBy] = first.items;
    const bannedArtist = world.catalog.columns.artist[world.catalog.trackIds.indexOf(bannedBy!.trackId)]!;
    const now = Date.now();
    let n = 0;
    const ev = (type: string, extra: Record<string, unknown>) => ({ eventId: `e${n++}`, type, userId: 'u6', timestamp: now - 1000 + n, surface: 'home', ...extra });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: [
          ev('dislike', { trackId: disliked!.trackId }),
          ev('play_start', { trackId: skipped!.trackId }),
          ev('skip', { trackId: skipped!.trackId, position: 3000 }),
          ev('play_start', { trackId: played!.trackId }),
          ev('complete', { trackId: played!.trackId }),
          ev('like', { trackId: bannedBy!.trackId }), // pulls the feed toward the artist the listener then bans
          ev('ban_artist', { artistId: `a${bannedArtist}` }),
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ rejected: unknown[] }>().rejected.length, 0, res.body);

    const next = await get();
    assert.equal(next.items.length, 30);
    const ids = new Set(next.items.map((i) => i.trackId));
    assert.ok(!ids.has(disliked!.trackId), 'disliked track gone');
    assert.ok(!ids.has(skipped!.trackId), 'skipped track gone');
    assert.ok(!ids.has(played!.trackId), 'played track gone');
    assert.ok(!next.items.some((i) => world.catalog.columns.artist[world.catalog.trackIds.indexOf(i.trackId)] === bannedArtist), 'banned artist gone');
    const removedBy = (name: string) => next.trace.stages.find((s) => s.name === name);
    assert.ok(removedBy('DislikedTrackFilter'), 'trace lists the filter');
    assert.ok(removedBy('BannedArtistFilter')!.in > removedBy('BannedArtistFilter')!.out);
  } finally {
    await app.close();
  }
});

test('explicit tracks are not served to a listener who opted out', async () => {
  const world = makeTestWorld();
  const app = await buildApp(testDeps(world));
  try {
    // u5: explicitOk = 0 in the fixture (every fifth listener)
    const body = (await app.inject('/v1/users/u5/feed?limit=60')).json<FeedResult>();
    assert.ok(body.items.length > 30);
    assert.ok(body.items.every((i) => world.catalog.columns.explicit[world.catalog.trackIds.indexOf(i.trackId)] === 0));
    const other = (await app.inject('/v1/users/u6/feed?limit=60')).json<FeedResult>();
    assert.ok(other.items.some((i) => world.catalog.columns.explicit[world.catalog.trackIds.indexOf(i.trackId)] === 1), 'fixture must make the filter matter');
  } finally {
    await app.close();
  }
});
