import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { EARLY_SKIP_MS, EventType } from '../../src/domain/events.js';
import { MARKETS } from '../../src/domain/markets.js';
import { EVERYWHERE } from '../../src/catalog/MarketSets.js';
import { generateWorld, openWorld, type World } from '../../src/world/World.js';
import { completeProbability, openTruth } from '../../src/world/truth.js';
import { tempDir } from './helpers.js';

let dir = '';
let world: World;
before(async () => {
  dir = tempDir('distributions');
  await generateWorld({ tracks: 30_000, users: 3_000, seed: 42, out: dir });
  world = openWorld(dir);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('shape: ids, artists ~ tracks/12, >= 50 genres in a hierarchy, >= 8 content features', () => {
  const c = world.catalog;
  assert.equal(c.trackCount, 30_000);
  assert.equal(c.artistCount, 2_500);
  assert.ok(c.albumCount > c.artistCount && c.albumCount < c.trackCount);
  assert.ok(c.genres.length >= 50);
  const roots = c.genres.filter((g) => g.parent < 0).length;
  assert.ok(roots >= 10 && roots < c.genres.length);
  for (let t = 0; t < c.trackCount; t++) {
    const g = c.genres[c.columns.genre[t]!]!;
    if (g.parent < 0) assert.fail(`track ${t} has root genre ${g.name}, expected a leaf`);
    if (c.columns.albumArtist[c.columns.album[t]!] !== c.columns.artist[t]) assert.fail(`track ${t}: album by another artist`);
  }
  assert.ok(c.featureDim >= 8);
  assert.deepEqual(c.featureNames.slice(0, 3), ['tempo', 'energy', 'valence']);
  assert.equal(world.manifest.markets.length, MARKETS.length);
  assert.deepEqual(c.markets, [...MARKETS]);
  // a generated world's ids are the strings t…/a…/al…/u…, row i = `${prefix}${i}`
  assert.equal(c.trackIds.size, c.trackCount);
  assert.equal(c.artistIds.size, c.artistCount);
  assert.equal(c.albumIds.size, c.albumCount);
  assert.equal(world.users.ids.size, world.users.count);
  for (const i of [0, 1, 2_499]) {
    assert.equal(c.trackIds.idAt(i), `t${i}`);
    assert.equal(c.artistIds.idAt(i), `a${i}`);
    assert.equal(c.albumIds.idAt(i), `al${i}`);
    assert.equal(world.users.ids.idAt(i), `u${i}`);
    assert.equal(world.users.ids.indexOf(`u${i}`), i);
  }
});

test('popularity follows a power law: a small head takes most plays and most tracks are never played', () => {
  const plays = new Float64Array(world.catalog.trackCount);
  let total = 0;
  for (let i = 0; i < world.events.count; i++) if (world.events.type[i] === EventType.play_start) {
    plays[world.events.track[i]!]!++;
    total++;
  }
  const sorted = Array.from(plays).sort((a, b) => b - a);
  const top1 = sorted.slice(0, sorted.length / 100).reduce((a, b) => a + b, 0);
  assert.ok(top1 / total > 0.15, `top 1 % of tracks got ${(100 * top1 / total).toFixed(1)} % of plays`);
  assert.ok(sorted.filter((x) => x === 0).length / sorted.length > 0.2, 'too few unplayed tracks for a long tail');
  // the catalog's popularity column: rank-frequency slope on log-log axes is Zipf-like
  const pop = Array.from(world.catalog.columns.popularity).sort((a, b) => b - a);
  const slope = (Math.log(pop[1000]!) - Math.log(pop[10]!)) / (Math.log(1001) - Math.log(11));
  assert.ok(slope < -0.4 && slope > -2, `popularity rank slope ${slope}`);
  assert.equal(pop[0], 1);
});

test('skips are 20-50 % of plays, early skips mean low affinity, and other outcomes occur', () => {
  const e = world.events;
  const truth = openTruth(dir, world.catalog);
  const counts = new Map<number, number>();
  let earlyAffinity = 0, early = 0, completeAffinity = 0, completes = 0;
  for (let i = 0; i < e.count; i++) {
    counts.set(e.type[i]!, (counts.get(e.type[i]!) ?? 0) + 1);
    if (e.type[i] === EventType.skip && e.positionMs[i]! < EARLY_SKIP_MS) {
      early++;
      earlyAffinity += completeProbability(truth, world.catalog, e.user[i]!, e.track[i]!);
    } else if (e.type[i] === EventType.complete) {
      completes++;
      completeAffinity += completeProbability(truth, world.catalog, e.user[i]!, e.track[i]!);
    }
  }
  const plays = counts.get(EventType.play_start)!;
  const skips = counts.get(EventType.skip)!;
  assert.equal(plays, skips + counts.get(EventType.complete)!, 'every play ends in a skip or a completion');
  assert.ok(skips / plays >= 0.2 && skips / plays <= 0.5, `skip share ${skips / plays}`);
  assert.ok(early / skips > 0.3, 'early skips should be common among skips');
  assert.ok(earlyAffinity / early < completeAffinity / completes - 0.1, 'early-skipped tracks should have clearly lower truth affinity');
  for (const t of [EventType.like, EventType.save, EventType.dislike, EventType.follow_artist]) assert.ok((counts.get(t) ?? 0) > 0, `no events of type ${t}`);
  assert.ok(e.count >= 3_000 * 40, `only ${e.count} events for 3000 listeners`);
});

test('availability has realistic gaps: most tracks everywhere, holes per market, JP/KR/IN more local; ~10-15 % explicit', () => {
  const c = world.catalog.columns;
  const n = world.catalog.trackCount;
  let everywhere = 0, explicit = 0;
  const missing = new Float64Array(MARKETS.length);
  const sets = world.catalog.marketSets;
  for (let t = 0; t < n; t++) {
    const s = c.marketSet[t]!;
    if (s === EVERYWHERE) everywhere++;
    if (sets.members(s, MARKETS.length).length === 0) assert.fail(`track ${t} is available nowhere`);
    if (s !== EVERYWHERE && sets.members(s, MARKETS.length).length === MARKETS.length) assert.fail(`track ${t}: every market but not set 0`);
    for (let k = 0; k < MARKETS.length; k++) if (!sets.has(s, k)) missing[k]!++;
    explicit += c.explicit[t]!;
  }
  assert.ok(everywhere / n > 0.5 && everywhere / n < 0.9, `available everywhere: ${everywhere / n}`);
  for (let k = 0; k < MARKETS.length; k++) assert.ok(missing[k]! / n > 0.03 && missing[k]! / n < 0.3, `${MARKETS[k]} misses ${missing[k]! / n}`);
  for (const local of ['JP', 'KR', 'IN']) assert.ok(missing[world.catalog.markets.indexOf(local)]! > missing[world.catalog.markets.indexOf('US')]! * 1.5, `${local} should miss more than US`);
  assert.ok(explicit / n > 0.08 && explicit / n < 0.18, `explicit share ${explicit / n}`);
});

test('history respects markets and explicit settings, is grouped by listener, chronological, before world now', () => {
  const e = world.events;
  const c = world.catalog.columns;
  const sets = world.catalog.marketSets;
  const now = world.manifest.nowMs;
  const yearAgo = now - 366 * 86_400_000;
  for (let i = 0; i < e.count; i++) {
    const u = e.user[i]!, t = e.track[i]!;
    if (!sets.has(c.marketSet[t]!, world.users.market[u]!)) assert.fail(`event ${i}: track ${t} not available in listener ${u}'s market`);
    if (c.explicit[t] === 1 && world.users.explicitOk[u] === 0) assert.fail(`event ${i}: explicit track for a listener who opted out`);
    if (!(e.timestampMs[i]! < now && e.timestampMs[i]! > yearAgo)) assert.fail(`event ${i}: timestamp outside the year before now`);
    if (i > 0 && e.user[i - 1] === u) {
      if (e.timestampMs[i]! < e.timestampMs[i - 1]!) assert.fail(`event ${i}: not chronological`);
      if (e.session[i]! < e.session[i - 1]!) assert.fail(`event ${i}: session number decreased`);
    }
    if (e.timestampMs[i]! < world.users.signupDay[u]! * 86_400_000) assert.fail(`event ${i} before listener ${u} signed up`);
  }
  assert.equal(e.userStart[world.users.count], e.count);
  const optOut = world.users.explicitOk.filter((x) => x === 0).length / world.users.count;
  assert.ok(optOut > 0.05 && optOut < 0.3, `explicit opt-out share ${optOut}`);
});

test('hidden truth: niche listeners exist and prefer the long tail', () => {
  const truth = openTruth(dir, world.catalog);
  const nicheShare = truth.niche.reduce((a, b) => a + b, 0) / truth.userCount;
  assert.ok(nicheShare > 0.06 && nicheShare < 0.2, `niche share ${nicheShare}`);
  const e = world.events;
  const pop = world.catalog.columns.popularity;
  let nicheSum = 0, nicheN = 0, mainSum = 0, mainN = 0;
  for (let i = 0; i < e.count; i++) {
    if (e.type[i] !== EventType.play_start) continue;
    const lp = Math.log10(1e-9 + pop[e.track[i]!]!);
    if (truth.niche[e.user[i]!] === 1) { nicheSum += lp; nicheN++; } else { mainSum += lp; mainN++; }
  }
  assert.ok(nicheSum / nicheN < mainSum / mainN - 0.5, 'niche listeners should play clearly less popular tracks');
});
