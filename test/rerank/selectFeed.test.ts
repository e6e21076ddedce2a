import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawExploration } from '../../src/rerank/ExplorationSlot.js';
import { mulberry32 } from '../../src/rerank/rng.js';
import { selectFeed, type RerankInput } from '../../src/rerank/selectFeed.js';
import { home } from '../../src/surfaces/home.js';

// 400 candidates; artist = t / 10 (ten tracks each), album = t / 5. Scores fall with t, so a plain
// top-30 would be 3 artists with 10 tracks each.
const N = 400;
const artistOf = Int32Array.from({ length: N }, (_, t) => Math.floor(t / 10));
const albumOf = Int32Array.from({ length: N }, (_, t) => Math.floor(t / 5));
const tracks = Int32Array.from({ length: N }, (_, t) => t);
const scores = Float32Array.from({ length: N }, (_, t) => 1 - t / N);

function input(over: Partial<RerankInput> = {}): RerankInput {
  return { tracks, scores, count: N, limit: 30, artistOf, albumOf, knownArtists: new Set(), config: home.rerank, diversity: true, exploration: true, random: mulberry32(1), ...over };
}

test('at most 2 per artist, never adjacent, albums spread', () => {
  const out = selectFeed(input());
  assert.equal(out.count, 30);
  const artists = [...out.picks].map((i) => artistOf[tracks[i]!]!);
  for (let i = 1; i < artists.length; i++) assert.notEqual(artists[i], artists[i - 1]);
  const counts = new Map<number, number>();
  for (const a of artists) counts.set(a, (counts.get(a) ?? 0) + 1);
  assert.ok([...counts.values()].every((c) => c <= 2));
  const albums = [...out.picks].map((i) => albumOf[tracks[i]!]!);
  assert.equal(new Set(albums).size, 30);
});

test('discovery quota: at least 20 % from never-played artists when available', () => {
  const known = new Set(Array.from({ length: 30 }, (_, a) => a)); // the 30 best artists are familiar
  const out = selectFeed(input({ knownArtists: known }));
  const discovery = [...out.picks].filter((i) => !known.has(artistOf[tracks[i]!]!)).length;
  assert.equal(out.discoveryTarget, 6);
  assert.ok(discovery >= 6, `discovery ${discovery}`);
  // Without the rule the top 30 by score would hold no discovery at all.
  const plain = selectFeed(input({ knownArtists: known, diversity: false }));
  assert.equal([...plain.picks].filter((i) => !known.has(artistOf[tracks[i]!]!)).length, 0);
});

test('quota only as far as the candidates allow', () => {
  const known = new Set(Array.from({ length: 39 }, (_, a) => a)); // only artist 39 is new: 2 tracks at most
  const out = selectFeed(input({ knownArtists: known }));
  assert.equal(out.discoveryTarget, 2);
  assert.equal(out.count, 30);
});

test('exploration slot: one drawn item with a propensity; the draw replays from its seed', () => {
  const a = selectFeed(input({ random: mulberry32(42) }));
  const b = selectFeed(input({ random: mulberry32(42) }));
  assert.equal(a.explorationPosition, home.rerank.explorationSlot);
  assert.ok(a.propensity > 0 && a.propensity <= 1);
  assert.deepEqual([...a.picks], [...b.picks]);
  assert.equal(a.propensity, b.propensity);
});

test('exploration slot: the whole policy comes back, sums to 1, and holds the drawn item with its propensity', () => {
  const a = selectFeed(input({ random: mulberry32(7) }));
  assert.equal(a.explorationPool.length, a.explorationProbabilities.length);
  assert.equal(a.explorationPool.length, home.rerank.explorationWidePool); // 400 candidates: the wide pool is full
  assert.ok(Math.abs(a.explorationProbabilities.reduce((s, p) => s + p, 0) - 1) < 1e-9);
  const drawn = a.picks[a.explorationPosition]!;
  const at = [...a.explorationPool].indexOf(drawn);
  assert.ok(at >= 0, 'the drawn item is in the pool');
  assert.equal(a.explorationProbabilities[at], a.propensity);
  // The greedy items above the slot are not in its pool.
  for (let p = 0; p < a.explorationPosition; p++) assert.ok(![...a.explorationPool].includes(a.picks[p]!));
});

test('softmax draw: propensities match the empirical frequencies', () => {
  const s = Float64Array.from([3, 2, 1, 0]);
  const rnd = mulberry32(9);
  const hits = [0, 0, 0, 0];
  const props = [0, 0, 0, 0];
  for (let i = 0; i < 20_000; i++) {
    const d = drawExploration(s, 4, 0.5, rnd);
    hits[d.index]!++;
    props[d.index] = d.propensity;
  }
  for (let k = 0; k < 4; k++) assert.ok(Math.abs(hits[k]! / 20_000 - props[k]!) < 0.02, `item ${k}: ${hits[k]! / 20_000} vs ${props[k]}`);
});

test('uniform mix: every item of the wide pool has at least share / n, the softmax part stays on the first k', () => {
  const s = Float64Array.from({ length: 50 }, (_, i) => 50 - i);
  const d = drawExploration(s, 50, 0.3, mulberry32(3), { share: 0.3, softmaxCount: 10 });
  assert.ok(Math.abs(d.probabilities.reduce((a, p) => a + p, 0) - 1) < 1e-9);
  for (let i = 0; i < 50; i++) assert.ok(d.probabilities[i]! >= 0.3 / 50 - 1e-12);
  for (let i = 10; i < 50; i++) assert.ok(Math.abs(d.probabilities[i]! - 0.3 / 50) < 1e-12);
  const rnd = mulberry32(11);
  let tail = 0;
  for (let i = 0; i < 20_000; i++) if (drawExploration(s, 50, 0.3, rnd, { share: 0.3, softmaxCount: 10 }).index >= 10) tail++;
  assert.ok(Math.abs(tail / 20_000 - 0.3 * 40 / 50) < 0.015, `tail share ${tail / 20_000}`);
});

test('hard rules are never broken: too few artists gives a shorter list', () => {
  const few = 40; // 4 artists -> at most 8 tracks, and adjacency limits it further
  const out = selectFeed(input({ count: few }));
  assert.ok(out.count <= 8);
  const artists = [...out.picks].map((i) => artistOf[tracks[i]!]!);
  for (let i = 1; i < artists.length; i++) assert.notEqual(artists[i], artists[i - 1]);
});

test('exploration off: no slot, no propensity, the rules still hold and every position is the best allowed', () => {
  const out = selectFeed(input({ exploration: false, random: mulberry32(42) }));
  assert.equal(out.explorationPosition, -1);
  assert.equal(out.propensity, 0);
  assert.equal(out.explorationPool.length, 0);
  const artists = [...out.picks].map((i) => artistOf[tracks[i]!]!);
  for (let i = 1; i < artists.length; i++) assert.notEqual(artists[i], artists[i - 1]);
  // Deterministic greedy: another seed gives the same list.
  assert.deepEqual([...out.picks], [...selectFeed(input({ exploration: false, random: mulberry32(9) })).picks]);
  // With the slot on, the list differs from the greedy one for some seed (the draw is real).
  const differs = [1, 2, 3, 4, 5, 6, 7, 8].some((s) => selectFeed(input({ random: mulberry32(s) })).picks.join() !== out.picks.join());
  assert.ok(differs);
});
