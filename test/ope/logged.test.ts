import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedImpressions, REWARD_WINDOW_MS } from '../../src/ope/loggedImpressions.js';
import type { ListenEvent } from '../../src/domain/events.js';

const e = (type: ListenEvent['type'], userId: string, trackId: string, timestamp: number, extra: Partial<ListenEvent> = {}): ListenEvent => ({ eventId: `${type}${userId}${trackId}${timestamp}`, type, userId, trackId, timestamp, ...extra });

test('exploration impressions get reward 1 only for a completion of that track within the window', async () => {
  const events = [
    e('impression', 'u1', 't1', 100, { propensity: 0.2, surface: 'home', requestId: 'r', position: 7 }),
    e('impression', 'u1', 't2', 100, { surface: 'home', requestId: 'r', position: 0 }), // no propensity: not the slot
    e('impression', 'u2', 't1', 100, { propensity: 0.5, surface: 'home', requestId: 'r', position: 7 }),
    e('impression', 'u3', 't3', 100, { propensity: 0.1, surface: 'radio', requestId: 'r', position: 9 }),
    e('complete', 'u1', 't1', 300),
    e('skip', 'u2', 't1', 200, { position: 1000 }),
    e('complete', 'u3', 't3', 100 + REWARD_WINDOW_MS + 1),
  ];
  const all = await loggedImpressions(async function* () { yield events; }, null);
  assert.deepEqual(all.map((i) => [i.userId, i.reward, i.propensity]), [['u1', 1, 0.2], ['u2', 0, 0.5], ['u3', 0, 0.1]]);
  const home = await loggedImpressions(async function* () { yield events; }, 'home');
  assert.equal(home.length, 2);
});
