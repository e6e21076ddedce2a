import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventType, type ListenEvent } from '../../src/domain/events.js';
import { LmdbEventLog } from '../../src/storage/LmdbEventLog.js';
import { mergeEventLogIntoWorld } from '../../src/storage/mergeEventLog.js';
import { generateWorld, openWorld } from '../../src/world/World.js';

test('encore train --events-log: the log is merged into the world history, grouped by listener and chronological', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-merge-'));
  try {
    await generateWorld({ tracks: 2000, users: 200, seed: 3, out: path.join(root, 'world') });
    const world = openWorld(path.join(root, 'world'));
    const log = LmdbEventLog.open(path.join(root, 'events'));
    const t0 = world.manifest.nowMs + 60_000;
    const e = (i: number, type: ListenEvent['type'], userId: string, trackId: string | undefined, at: number, extra: Partial<ListenEvent> = {}): ListenEvent => ({
      eventId: `m${i}`, type, userId, ...(trackId !== undefined ? { trackId } : {}), timestamp: t0 + at, ...extra,
    });
    await log.append([
      e(1, 'complete', 'u5', 't10', 2000),
      e(2, 'play_start', 'u5', 't10', 1000),
      e(3, 'skip', 'u1', 't11', 0, { position: 4000 }),
      e(4, 'like', 'u5', 't12', 3 * 60 * 60 * 1000), // hours later: a new session
      e(5, 'play_start', 'u999999', 't1', 0), // listener the world does not know
      e(6, 'play_start', 'u2', 't5000', 0), // track added while serving
      e(7, 'follow_artist', 'u2', undefined, 0, { artistId: 'a1' }),
    ]);
    await log.close();
    const { world: merged, summary } = await mergeEventLogIntoWorld(world, `lmdb://${path.join(root, 'events')}`);
    assert.deepEqual(summary, { merged: 4, skipped: 3, read: 7, erasedListeners: 0 });
    const ev = merged.events;
    assert.equal(ev.count, world.events.count + 4);
    assert.equal(merged.manifest.counts.events, ev.count);
    assert.equal(ev.userStart[200], ev.count);
    for (let u = 0; u < 200; u++) {
      for (let i = ev.userStart[u]!; i < ev.userStart[u + 1]!; i++) {
        assert.equal(ev.user[i], u);
        if (i > ev.userStart[u]!) assert.ok(ev.timestampMs[i]! >= ev.timestampMs[i - 1]!, `chronological for u${u}`);
      }
    }
    const end5 = ev.userStart[6]!;
    assert.deepEqual([...ev.track.subarray(end5 - 3, end5)], [10, 10, 12]);
    assert.deepEqual([...ev.type.subarray(end5 - 3, end5)], [EventType.play_start, EventType.complete, EventType.like]);
    const s = ev.session.subarray(end5 - 3, end5);
    assert.equal(s[0], s[1]);
    assert.ok(s[2]! > s[1]!);
    let maxOld = 0;
    for (let i = 0; i < world.events.count; i++) maxOld = Math.max(maxOld, world.events.session[i]!);
    assert.ok(s[0]! > maxOld, 'new sessions are numbered after the world');
    const end1 = ev.userStart[2]!;
    assert.equal(ev.positionMs[end1 - 1], 4000);
    // world's own events are unchanged
    assert.deepEqual([...ev.track.subarray(0, ev.userStart[1]!)], [...world.events.track.subarray(0, world.events.userStart[1]!)]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
