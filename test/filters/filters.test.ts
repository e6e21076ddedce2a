import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BannedArtistFilter } from '../../src/filters/BannedArtistFilter.js';
import { DislikedTrackFilter } from '../../src/filters/DislikedTrackFilter.js';
import { ExplicitContentFilter } from '../../src/filters/ExplicitContentFilter.js';
import { MarketAvailabilityFilter } from '../../src/filters/MarketAvailabilityFilter.js';
import { RecentlyPlayedFilter } from '../../src/filters/RecentlyPlayedFilter.js';
import { SessionSkippedFilter } from '../../src/filters/SessionSkippedFilter.js';
import { UnreleasedTrackFilter } from '../../src/filters/UnreleasedTrackFilter.js';
import { emptyRows } from '../../src/pipeline/CandidateRows.js';
import type { RequestContext } from '../../src/pipeline/contracts.js';
import type { ListenerState } from '../../src/storage/interfaces.js';
import { makeTestWorld, SE } from '../feed/fixtures.js';

const world = makeTestWorld({ tracks: 200, users: 4 });
const NOW = 1_700_000_000_000;

function rowsOf(tracks: number[]) {
  const rows = emptyRows(['S'], tracks.length);
  rows.tracks.set(tracks);
  rows.count = tracks.length;
  return rows;
}

function ctx(state: Partial<ListenerState> | null, extra: Partial<RequestContext> = {}): RequestContext {
  const full: ListenerState | null =
    state === null
      ? null
      : {
          userId: 'u1', recentTracks: [], recentTimestamps: [], sessionStartedAt: NOW - 60_000, lastEventAt: NOW - 1000,
          sessionSkipStreak: 0, sessionSkipped: [], sessionPlayed: [], likedTracks: [], dislikedTracks: [], bannedArtists: [], followedArtists: [],
          ...state,
        };
  return {
    requestId: 'r', surface: 'home', userId: 'u1', userIndex: 1, market: SE, explicitOk: true, nowMs: NOW, limit: 30, seedTrack: null,
    userVector: null, state: full, history: new Int32Array(0), onboardingGenres: [], catalog: world.catalog, bundle: world.bundle, ...extra,
  };
}

test('each filter reports kept and removed rows in input order', () => {
  const rows = rowsOf([10, 11, 12, 13, 14, 20, 21, 27, 28]);
  const kept = (r: { kept: Int32Array }) => [...r.kept].map((i) => rows.tracks[i]);
  const removed = (r: { removed: Int32Array }) => [...r.removed].map((i) => rows.tracks[i]);

  const recent = new RecentlyPlayedFilter().apply(ctx({ recentTracks: [11], sessionPlayed: [20] }), rows);
  assert.deepEqual(removed(recent), [11, 20]);
  assert.deepEqual(kept(recent), [10, 12, 13, 14, 21, 27, 28]);

  assert.deepEqual(removed(new DislikedTrackFilter().apply(ctx({ dislikedTracks: [13, 99] }), rows)), [13]);
  // artist = t / 10: artist 2 owns 20..29
  assert.deepEqual(removed(new BannedArtistFilter().apply(ctx({ bannedArtists: [2] }), rows)), [20, 21, 27, 28]);
  // t % 7 === 0 is not licensed in SE
  assert.deepEqual(removed(new MarketAvailabilityFilter().apply(ctx(null), rows)), [14, 21, 28]);
  // t % 9 === 0 is explicit
  assert.deepEqual(removed(new ExplicitContentFilter().apply(ctx(null, { explicitOk: false }), rows)), [27]);
  assert.equal(new ExplicitContentFilter().apply(ctx(null), rows).removed.length, 0);
});

test('a track released after the request day is removed; one released that day is kept', () => {
  // fixtures: release day = 19000 + (t % 10) * 30, so tracks 0, 10, 20 came out on day 19000 and 9, 19 on day 19270
  const rows = rowsOf([0, 1, 9, 10, 19, 20]);
  const f = new UnreleasedTrackFilter();
  const at = (day: number) => [...f.apply(ctx(null, { nowMs: day * 86_400_000 + 3_600_000 }), rows).removed].map((i) => rows.tracks[i]);
  assert.deepEqual(at(18999), [0, 1, 9, 10, 19, 20]);
  assert.deepEqual(at(19000), [1, 9, 19]);
  assert.deepEqual(at(19030), [9, 19]);
  assert.deepEqual(at(19270), []);
  assert.equal(f.apply(ctx(null), rows).removed.length, 0); // NOW is long after every release
});

test('session skips count only while the session is open', () => {
  const rows = rowsOf([1, 2, 3]);
  const f = new SessionSkippedFilter();
  assert.deepEqual([...f.apply(ctx({ sessionSkipped: [2] }), rows).removed], [1]);
  assert.equal(f.apply(ctx({ sessionSkipped: [2], lastEventAt: NOW - 2 * 60 * 60_000 }), rows).removed.length, 0);
  assert.equal(f.apply(ctx(null), rows).removed.length, 0);
});
