import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectExperiment } from '../../src/experiments/collect.js';
import type { ListenEvent } from '../../src/domain/events.js';

const ev = (type: ListenEvent['type'], userId: string, timestamp: number, extra: Partial<ListenEvent> = {}): ListenEvent => ({ eventId: `${type}-${userId}-${timestamp}`, type, userId, timestamp, trackId: 't1', ...extra });

test('plays count for the variant of the first impression, from that impression on', async () => {
  const events: ListenEvent[] = [
    ev('play_start', 'u1', 5), // before exposure: ignored
    ev('impression', 'u1', 10, { experiment: 'x', variant: 'b', requestId: 'r', position: 0 }),
    ev('impression', 'u2', 10, { experiment: 'other', variant: 'a', requestId: 'r', position: 0 }),
    ev('play_start', 'u1', 11),
    ev('complete', 'u1', 12, { position: 200_000 }),
    ev('play_start', 'u1', 13),
    ev('skip', 'u1', 14, { position: 20_000 }),
    ev('play_start', 'u1', 15),
    ev('complete', 'u1', 16), // no position: the catalog duration
    ev('impression', 'u3', 20, { experiment: 'x', variant: 'a', requestId: 'r', position: 0 }),
    ev('impression', 'u3', 21, { experiment: 'x', variant: 'b', requestId: 'r', position: 0 }),
  ];
  const c = await collectExperiment(async function* () { yield events.slice(0, 4); yield events.slice(4); }, 'x', () => 100_000);
  assert.deepEqual(c.variantsSeen, ['b', 'a']);
  assert.equal(c.crossed, 1);
  assert.equal(c.listeners.size, 2, 'u2 saw another experiment only');
  assert.deepEqual(c.listeners.get('u1'), { variant: 'b', plays: 3, completes: 2, skips: 1, listenMs: 320_000 });
  assert.equal(c.listeners.get('u3')!.variant, 'a');
});
