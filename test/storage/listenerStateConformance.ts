import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListenEvent } from '../../src/domain/events.js';
import type { ListenerStateStore } from '../../src/storage/interfaces.js';
import { SESSION_IDLE_MS, sessionIsActive } from '../../src/storage/applyEvent.js';
import { sequentialIds } from '../support/catalogIds.js';

// ONE conformance suite for every ListenerStateStore backend (memory, LMDB, Redis).

export interface ListenerStateFixture {
  readonly store: ListenerStateStore;
  /** A second store on the same data, as another replica or process would open it. */
  readonly openPeer?: () => Promise<ListenerStateStore>;
  /** Closes `store` and opens the same data again (a restart); absent for non-durable backends. */
  readonly reopen?: () => Promise<ListenerStateStore>;
  readonly cleanup: () => Promise<void>;
}

const T0 = 1_700_000_000_000;
let n = 0;
// The catalog's dictionaries: events carry the indices validateEvent resolved (t10 -> 10, a5 -> 5 here).
const TRACKS = sequentialIds('t', 100);
const ARTISTS = sequentialIds('a', 20);
function ev(type: ListenEvent['type'], userId: string, target: string, at: number, extra: Partial<ListenEvent> = {}): ListenEvent {
  n++;
  const t = TRACKS.indexOf(target);
  const a = ARTISTS.indexOf(target);
  assert.ok(t >= 0 || a >= 0, `no track or artist ${target}`);
  const ids = t >= 0 ? { trackId: target, trackIndex: t } : { artistId: target, artistIndex: a };
  return { eventId: `ls-${n}`, type, userId, timestamp: T0 + at, ...ids, ...extra };
}

export function listenerStateConformance(name: string, makeStore: () => Promise<ListenerStateFixture>, skip: string | false = false): void {
  describe(`ListenerState conformance: ${name}`, { skip }, () => {
    test('an unknown listener has no state', async () => {
      const f = await makeStore();
      try {
        assert.equal(await f.store.get('u404'), null);
      } finally {
        await f.cleanup();
      }
    });

    test('plays, skips and completes update recent tracks, the session and the skip streak', async () => {
      const f = await makeStore();
      try {
        await f.store.apply([
          ev('play_start', 'u1', 't10', 0),
          ev('complete', 'u1', 't10', 1000),
          ev('play_start', 'u1', 't11', 2000),
          ev('skip', 'u1', 't11', 3000, { position: 5000 }),
          ev('play_start', 'u1', 't12', 4000),
          ev('skip', 'u1', 't12', 5000, { position: 8000 }),
        ]);
        let s = (await f.store.get('u1'))!;
        assert.deepEqual(s.recentTracks, [12, 11, 10]);
        assert.deepEqual(s.recentTimestamps, [T0 + 4000, T0 + 2000, T0 + 1000]);
        assert.deepEqual(s.sessionSkipped, [12, 11]);
        assert.deepEqual(s.sessionPlayed, [12, 11, 10]);
        assert.equal(s.sessionSkipStreak, 2);
        assert.equal(s.sessionStartedAt, T0);
        assert.equal(s.lastEventAt, T0 + 5000);
        await f.store.apply([ev('complete', 'u1', 't13', 6000)]);
        s = (await f.store.get('u1'))!;
        assert.equal(s.sessionSkipStreak, 0, 'a completed track ends the skip streak');
        await f.store.apply([ev('skip', 'u1', 't14', 7000, { position: 200_000 })]);
        assert.equal((await f.store.get('u1'))!.sessionSkipStreak, 0, 'a late skip is no "not for me"');
      } finally {
        await f.cleanup();
      }
    });

    test('likes, dislikes, bans and follows are kept, and the opposite one is undone', async () => {
      const f = await makeStore();
      try {
        await f.store.apply([
          ev('like', 'u2', 't1', 0),
          ev('dislike', 'u2', 't2', 1),
          ev('save', 'u2', 't3', 2),
          ev('ban_artist', 'u2', 'a5', 3),
          ev('follow_artist', 'u2', 'a6', 4),
          ev('impression', 'u2', 't9', 5, { requestId: 'r', position: 0 }),
        ]);
        let s = (await f.store.get('u2'))!;
        assert.deepEqual(s.likedTracks, [3, 1]);
        assert.deepEqual(s.dislikedTracks, [2]);
        assert.deepEqual(s.bannedArtists, [5]);
        assert.deepEqual(s.followedArtists, [6]);
        assert.deepEqual(s.recentTracks, [], 'an impression is not a play');
        await f.store.apply([ev('like', 'u2', 't2', 10), ev('dislike', 'u2', 't1', 11), ev('follow_artist', 'u2', 'a5', 12)]);
        s = (await f.store.get('u2'))!;
        assert.deepEqual(s.likedTracks, [2, 3]);
        assert.deepEqual(s.dislikedTracks, [1]);
        assert.deepEqual(s.bannedArtists, []);
        assert.deepEqual(s.followedArtists, [5, 6]);
      } finally {
        await f.cleanup();
      }
    });

    test('a session ends after 30 minutes idle; the lists stay', async () => {
      const f = await makeStore();
      try {
        await f.store.apply([ev('skip', 'u3', 't1', 0, { position: 1000 }), ev('like', 'u3', 't2', 10)]);
        let s = (await f.store.get('u3'))!;
        assert.ok(sessionIsActive(s, T0 + SESSION_IDLE_MS));
        assert.ok(!sessionIsActive(s, T0 + 10 + SESSION_IDLE_MS + 1));
        const later = SESSION_IDLE_MS + 60_000;
        await f.store.apply([ev('play_start', 'u3', 't7', later)]);
        s = (await f.store.get('u3'))!;
        assert.equal(s.sessionStartedAt, T0 + later);
        assert.deepEqual(s.sessionSkipped, []);
        assert.equal(s.sessionSkipStreak, 0);
        assert.deepEqual(s.sessionPlayed, [7]);
        assert.deepEqual(s.likedTracks, [2]);
      } finally {
        await f.cleanup();
      }
    });

    test('one batch updates several listeners, each in its own order', async () => {
      const f = await makeStore();
      try {
        await f.store.apply([ev('play_start', 'u4', 't1', 0), ev('play_start', 'u5', 't2', 0), ev('play_start', 'u4', 't3', 1)]);
        assert.deepEqual((await f.store.get('u4'))!.recentTracks, [3, 1]);
        assert.deepEqual((await f.store.get('u5'))!.recentTracks, [2]);
      } finally {
        await f.cleanup();
      }
    });

    test('concurrent updates to one listener (also from a second replica) lose nothing', async () => {
      const f = await makeStore();
      const peer = f.openPeer === undefined ? f.store : await f.openPeer();
      try {
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 40; i++) writes.push((i % 2 === 0 ? f.store : peer).apply([ev('like', 'u6', `t${i}`, i)]));
        await Promise.all(writes);
        const s = (await f.store.get('u6'))!;
        assert.equal(s.likedTracks.length, 40);
        assert.deepEqual([...s.likedTracks].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
        if (peer !== f.store) assert.equal((await peer.get('u6'))!.likedTracks.length, 40);
      } finally {
        if (peer !== f.store) await peer.close();
        await f.cleanup();
      }
    });

    test('state survives a restart', async (t) => {
      const f = await makeStore();
      try {
        if (f.reopen === undefined) {
          t.skip('backend is not durable');
          return;
        }
        await f.store.apply([ev('dislike', 'u7', 't42', 0), ev('play_start', 'u7', 't43', 1)]);
        const store = await f.reopen();
        const s = (await store.get('u7'))!;
        assert.deepEqual(s.dislikedTracks, [42]);
        assert.deepEqual(s.recentTracks, [43]);
      } finally {
        await f.cleanup();
      }
    });

    test('a profile is merged into the state (also for a listener with no events) and deletion removes everything', async () => {
      const f = await makeStore();
      const peer = f.openPeer === undefined ? f.store : await f.openPeer();
      try {
        const user = 'spotify:user:ab/c ü';
        await f.store.setProfile(user, { market: 'SE', genres: ['rock/indie rock'] });
        assert.deepEqual((await peer.get(user))!.profile, { market: 'SE', genres: ['rock/indie rock'] });
        await f.store.apply([ev('like', user, 't5', 0)]);
        await peer.setProfile(user, { explicit: false });
        const s = (await f.store.get(user))!;
        assert.deepEqual(s.profile, { market: 'SE', genres: ['rock/indie rock'], explicit: false }, 'fields left out keep their value');
        assert.deepEqual(s.likedTracks, [5], 'events and profile live side by side');
        assert.equal(await peer.delete(user), true);
        assert.equal(await f.store.get(user), null, 'state and profile gone at once, for every replica');
        assert.equal(await f.store.delete(user), false, 'deleting twice is harmless');
      } finally {
        if (peer !== f.store) await peer.close();
        await f.cleanup();
      }
    });
  });
}
