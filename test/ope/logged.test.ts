import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedImpressions, readImpressionLog, REWARD_WINDOW_MS } from '../../src/ope/loggedImpressions.js';
import type { ListenEvent } from '../../src/domain/events.js';

const e = (type: ListenEvent['type'], userId: string, trackId: string, timestamp: number, extra: Partial<ListenEvent> = {}): ListenEvent => ({ eventId: `${type}${userId}${trackId}${timestamp}`, type, userId, trackId, timestamp, ...extra });

const events = [
  e('impression', 'u1', 't1', 100, { propensity: 0.2, surface: 'home', requestId: 'r1', position: 7 }),
  e('impression', 'u1', 't2', 100, { surface: 'home', requestId: 'r1', position: 0 }), // no propensity: not the slot
  e('impression', 'u2', 't1', 100, { propensity: 0.5, surface: 'home', requestId: 'r2', position: 7 }),
  e('impression', 'u3', 't3', 100, { propensity: 0.1, surface: 'radio', requestId: 'r3', position: 9 }),
  e('impression', 'u4', 't4', 100, { propensity: 0.3, surface: 'home', requestId: 'r4', position: 7 }), // never reached
  e('play_start', 'u1', 't1', 200),
  e('complete', 'u1', 't1', 300),
  e('play_start', 'u2', 't1', 150),
  e('skip', 'u2', 't1', 200, { position: 1000 }),
  e('play_start', 'u3', 't3', 100 + REWARD_WINDOW_MS + 1),
  e('complete', 'u3', 't3', 100 + REWARD_WINDOW_MS + 2),
];
const pages = async function* (): AsyncGenerator<ListenEvent[]> {
  yield events;
};

test('the units are played slot impressions; reward 1 only for a completion of that track within the window', async () => {
  const all = await loggedImpressions(pages, null);
  assert.deepEqual(all.map((i) => [i.userId, i.reward, i.propensity]), [['u1', 1, 0.2], ['u2', 0, 0.5]]);
  const home = await loggedImpressions(pages, 'home');
  assert.equal(home.length, 2);
});

test('the log keeps unplayed impressions flagged, each feed size, and every listener\'s events in order', async () => {
  const log = await readImpressionLog(pages, null);
  assert.deepEqual(log.impressions.map((i) => [i.userId, i.played, i.feedSize]), [['u1', true, 2], ['u2', true, 1], ['u3', false, 1], ['u4', false, 1]]);
  assert.deepEqual(log.byUser.get('u2')!.map((x) => x.type), ['impression', 'play_start', 'skip']);
});
