import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListenEvent } from '../../src/domain/events.js';
import type { EventLog } from '../../src/storage/interfaces.js';
import { readEvents } from '../../src/storage/open.js';

// ONE conformance suite for every EventLog backend (Gorse's baseTestSuite): each backend's test file calls
// eventLogConformance with a factory that opens a fresh, empty log.

export interface EventLogFixture {
  readonly log: EventLog;
  /** Closes `log` and opens the same log again (a restart); absent for non-durable backends. */
  readonly reopen?: () => Promise<EventLog>;
  /** Removes what the fixture created (stream, directory). */
  readonly cleanup: () => Promise<void>;
}

let counter = 0;
export function makeEvent(over: Partial<ListenEvent> = {}): ListenEvent {
  counter++;
  return {
    eventId: `e-${process.pid}-${Date.now()}-${counter}`,
    type: 'play_start',
    userId: `u${counter % 7}`,
    trackId: `t${counter % 100}`,
    timestamp: 1_700_000_000_000 + counter,
    surface: 'home',
    ...over,
  };
}

export function eventLogConformance(name: string, makeLog: () => Promise<EventLogFixture>, skip: string | false = false): void {
  describe(`EventLog conformance: ${name}`, { skip }, () => {
    test('appends in order and reads back with contiguous sequence numbers', async () => {
      const f = await makeLog();
      try {
        const batch = Array.from({ length: 25 }, () => makeEvent());
        const r = await f.log.append(batch);
        assert.equal(r.appended, 25);
        assert.deepEqual(r.duplicates, []);
        const all = await f.log.read(0, 100);
        assert.deepEqual(all.events.map((e) => e.eventId), batch.map((e) => e.eventId));
        assert.equal(all.next, 25);
        assert.deepEqual(all.events[3], batch[3]);
        const page = await f.log.read(10, 5);
        assert.deepEqual(page.events.map((e) => e.eventId), batch.slice(10, 15).map((e) => e.eventId));
        assert.equal(page.next, 15);
        const end = await f.log.read(25, 10);
        assert.equal(end.events.length, 0);
        assert.equal(end.next, 25);
      } finally {
        await f.cleanup();
      }
    });

    test('a repeated eventId is accepted once, within a batch and across batches', async () => {
      const f = await makeLog();
      try {
        const a = makeEvent();
        const b = makeEvent();
        const first = await f.log.append([a, b, a]);
        assert.equal(first.appended, 2);
        assert.deepEqual(first.duplicates, [a.eventId]);
        const c = makeEvent();
        const second = await f.log.append([b, c]);
        assert.equal(second.appended, 1);
        assert.deepEqual(second.duplicates, [b.eventId]);
        const all = await f.log.read(0, 100);
        assert.deepEqual(all.events.map((e) => e.eventId), [a.eventId, b.eventId, c.eventId]);
      } finally {
        await f.cleanup();
      }
    });

    test('keeps every optional field of every event type', async () => {
      const f = await makeLog();
      try {
        const evs: ListenEvent[] = [
          makeEvent({ type: 'impression', requestId: 'r1', position: 3, propensity: 0.25 }),
          makeEvent({ type: 'skip', position: 12_000 }),
          { eventId: `ban-${Date.now()}-${process.pid}`, type: 'ban_artist', userId: 'u1', artistId: 'a9', timestamp: 1_700_000_000_000 },
        ];
        await f.log.append(evs);
        const all = await f.log.read(0, 10);
        assert.deepEqual(all.events, evs);
      } finally {
        await f.cleanup();
      }
    });

    test('concurrent appends lose nothing and readEvents pages through everything', async () => {
      const f = await makeLog();
      try {
        const batches = Array.from({ length: 8 }, () => Array.from({ length: 300 }, () => makeEvent()));
        const results = await Promise.all(batches.map((b) => f.log.append(b)));
        assert.equal(results.reduce((s, r) => s + r.appended, 0), 2400);
        const seen = new Set<string>();
        for await (const page of readEvents(f.log, 700)) for (const e of page) seen.add(e.eventId);
        assert.equal(seen.size, 2400);
        for (const b of batches) for (const e of b) assert.ok(seen.has(e.eventId));
      } finally {
        await f.cleanup();
      }
    });

    test('events and their ids survive a restart', async (t) => {
      const f = await makeLog();
      try {
        if (f.reopen === undefined) {
          t.skip('backend is not durable');
          return;
        }
        const batch = Array.from({ length: 10 }, () => makeEvent());
        await f.log.append(batch);
        const log = await f.reopen();
        const all = await log.read(0, 100);
        assert.deepEqual(all.events.map((e) => e.eventId), batch.map((e) => e.eventId));
        const again = await log.append([batch[0]!, makeEvent()]);
        assert.equal(again.appended, 1);
        assert.deepEqual(again.duplicates, [batch[0]!.eventId]);
        const after = await log.read(0, 100);
        assert.equal(after.events.length, 11);
        assert.equal(after.next, 11);
      } finally {
        await f.cleanup();
      }
    });

    test('an erased listener is remembered and left out of every later read for training', async () => {
      const f = await makeLog();
      try {
        const gone = `erased:${process.pid}/ü`;
        const batch = [makeEvent({ userId: gone }), makeEvent({ userId: 'kept' }), makeEvent({ userId: gone })];
        await f.log.append(batch);
        assert.equal((await f.log.erasedListeners()).size, 0);
        await f.log.erase(gone);
        assert.deepEqual([...(await f.log.erasedListeners())], [gone]);
        const read: ListenEvent[] = [];
        for await (const page of readEvents(f.log, 2)) read.push(...page);
        assert.deepEqual(read.map((e) => e.userId), ['kept']);
        if (f.reopen !== undefined) {
          const again = await f.reopen();
          assert.deepEqual([...(await again.erasedListeners())], [gone], 'the tombstone is durable');
        }
      } finally {
        await f.cleanup();
      }
    });
  });
}
