// The page's pure logic, run under Node: Prometheus text parsing and quantiles, waterfall placement, the
// feed diff, covers, the events each action sends, and route discovery from the OpenAPI document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsFor, impressions, lateSkipPosition } from '../../web/src/actions.js';
import { capabilitiesFrom } from '../../web/src/capabilities.js';
import { albumKey, coverSpec } from '../../web/src/cover.js';
import { diffFeeds } from '../../web/src/feedDiff.js';
import { histogramsBy, liveFigures, parseMetrics, quantile, ratePerSecond } from '../../web/src/metrics.js';
import { parseSampleLine } from '../../web/src/promText.js';
import type { FeedResponse, Item, StageTrace } from '../../web/src/types.js';
import { placeStages } from '../../web/src/waterfall.js';

const METRICS = `# HELP encore_feed_stage_seconds Time spent per pipeline stage
# TYPE encore_feed_stage_seconds histogram
encore_feed_stage_seconds_bucket{le="0.001",surface="home",stage="Context",status="ok"} 5
encore_feed_stage_seconds_bucket{le="0.01",surface="home",stage="Context",status="ok"} 10
encore_feed_stage_seconds_bucket{le="+Inf",surface="home",stage="Context",status="ok"} 10
encore_feed_stage_seconds_bucket{le="0.001",surface="radio",stage="Context",status="ok"} 0
encore_feed_stage_seconds_bucket{le="0.01",surface="radio",stage="Context",status="ok"} 10
encore_feed_stage_seconds_bucket{le="+Inf",surface="radio",stage="Context",status="ok"} 10
encore_feed_stage_seconds_bucket{le="0.001",surface="home",stage="ReRanker",status="ok"} 0
encore_feed_stage_seconds_bucket{le="0.01",surface="home",stage="ReRanker",status="ok"} 0
encore_feed_stage_seconds_bucket{le="+Inf",surface="home",stage="ReRanker",status="ok"} 4
encore_feed_seconds_bucket{le="0.01",surface="home"} 8
encore_feed_seconds_bucket{le="+Inf",surface="home"} 10
encore_feed_degraded_total{surface="home"} 3
encore_http_requests_total{route="/v1/users/:userId/feed",status="200"} 10
encore_http_requests_total{route="/metrics",status="200"} 99
encore_events_total{outcome="accepted"} 40
encore_events_total{outcome="rejected"} 7
encore_bundle_info{version="v \\"7\\""} 1
encore_bundle_serving_since_seconds 1700000000.5
`;

test('Prometheus samples: labels with escapes, +Inf, timestamps', () => {
  assert.deepEqual(parseSampleLine('a_b{x="1",y="q\\"\\\\\\n"} 2.5 1395066363000'), { name: 'a_b', labels: { x: '1', y: 'q"\\\n' }, value: 2.5 });
  assert.equal(parseSampleLine('up +Inf')?.value, Infinity);
  assert.equal(parseSampleLine('{broken} 1'), null);
});

test('per-stage histograms are summed over surfaces and statuses; quantiles interpolate like Prometheus', () => {
  const f = parseMetrics(METRICS);
  const context = histogramsBy(f, 'encore_feed_stage_seconds', 'stage').get('Context')!;
  assert.deepEqual(context, [[0.001, 5], [0.01, 20], [Infinity, 20]]);
  assert.equal(quantile(context, 0.25), 0.001);
  assert.ok(Math.abs(quantile(context, 0.5)! - (0.001 + 0.009 * (5 / 15))) < 1e-12);
  // Everything past the last finite bound: the bound is all that is known.
  assert.equal(quantile(histogramsBy(f, 'encore_feed_stage_seconds', 'stage').get('ReRanker')!, 0.99), 0.01);
  assert.equal(quantile([[1, 0], [Infinity, 0]], 0.5), null);
});

test('live figures: feeds, degraded, accepted events, requests without the page’s own polls, bundle', () => {
  const a = liveFigures(parseMetrics(METRICS), 1000);
  assert.equal(a.feeds, 10);
  assert.equal(a.degradedFeeds, 3);
  assert.equal(a.events, 40);
  assert.equal(a.requests, 10);
  assert.equal(a.bundleVersion, 'v "7"');
  assert.equal(a.bundleSince, 1700000000500);
  const b = { ...a, at: 3000, events: 60 };
  assert.equal(ratePerSecond(a, b, (x) => x.events), 10);
  assert.equal(ratePerSecond(null, b, (x) => x.events), null);
  assert.equal(ratePerSecond(b, { ...a, at: 5000 }, (x) => x.events), null, 'a counter that went back is a restart');
});

const stage = (name: string, ms: number, inN = 10, out = 10): StageTrace => ({ name, ms, in: inN, out, status: 'ok' });

test('waterfall: sources start together after Context, the rest follow one another', () => {
  const placed = placeStages([stage('Context', 1), stage('AnnSource', 5), stage('CoListenSource', 2), stage('CandidateSources', 6), stage('BannedArtistFilter', 1, 10, 7), stage('Response', 0.5)]);
  assert.deepEqual(placed.map((p) => [p.stage.name, p.startMs, p.concurrent, p.removed]), [
    ['Context', 0, false, 0],
    ['AnnSource', 1, true, 0],
    ['CoListenSource', 1, true, 0],
    ['CandidateSources', 1, false, 0],
    ['BannedArtistFilter', 7, false, 3],
    ['Response', 8, false, 0],
  ]);
});

const item = (trackId: string, reason = 'r'): Item => ({ trackId, title: `T ${trackId}`, artistId: `a-${trackId}`, artist: 'A', albumId: `al-${trackId}`, album: 'Al', score: 1, sources: [], reason });
const feed = (items: Item[], extra: Partial<FeedResponse> = {}): FeedResponse => ({ requestId: 'req', surface: 'home', modelVersion: 'v', items, trace: { totalMs: 1, stages: [] }, degraded: [], ...extra });

test('feed diff: gone, new and new reasons', () => {
  const d = diffFeeds(feed([item('x'), item('y'), item('z')]), feed([item('y', 'other'), item('z'), item('w')]));
  assert.deepEqual(d.gone.map((i) => i.trackId), ['x']);
  assert.deepEqual(d.added.map((i) => i.trackId), ['w']);
  assert.deepEqual(d.reasonChanged.map((r) => [r.item.trackId, r.before, r.item.reason]), [['y', 'r', 'other']]);
  assert.equal(d.kept, 2);
});

test('covers are deterministic per album and differ between albums', () => {
  assert.deepEqual(coverSpec('spotify:album:1'), coverSpec('spotify:album:1'));
  const specs = new Set(Array.from({ length: 50 }, (_, i) => JSON.stringify(coverSpec(`album ${i}`))));
  assert.equal(specs.size, 50);
  assert.equal(albumKey({ albumId: 'al/7', artistId: 'a', album: 'x' }), 'al/7');
});

test('actions send real events: play to the end, early and late skips, ban with the artist id', () => {
  const f = feed([item('t/1')], { surface: 'radio', requestId: 'rq' });
  const ctx = { userId: 'u:1', feed: f, item: f.items[0]!, durationMs: 200_000, now: 2_000_000_000_000 };
  const play = eventsFor('play', ctx);
  assert.deepEqual(play.map((e) => [e.type, e.position, e.trackId, e.surface, e.requestId]), [['play_start', undefined, 't/1', 'radio', 'rq'], ['complete', 200_000, 't/1', 'radio', 'rq']]);
  assert.ok(Number(play[0]!.timestamp) < Number(play[1]!.timestamp));
  assert.ok(Number(eventsFor('skipEarly', ctx)[1]!.position) < 30_000);
  assert.ok(Number(eventsFor('skipLate', ctx)[1]!.position) >= 30_000);
  assert.equal(lateSkipPosition(40_000), 30_000);
  assert.deepEqual(eventsFor('ban', ctx).map((e) => [e.type, e.artistId]), [['ban_artist', 'a-t/1']]);
  assert.equal(new Set([...play, ...eventsFor('like', ctx)].map((e) => e.eventId)).size, 3, 'every event has its own id');
  const imp = impressions('u:1', feed([item('a'), { ...item('b'), propensity: 0.2, exploration: true }], { experiment: { name: 'rank', variant: 'B' } }), 1);
  assert.deepEqual(imp.map((e) => [e.position, e.propensity, e.experiment, e.variant]), [[0, undefined, 'rank', 'B'], [1, 0.2, 'rank', 'B']]);
});

test('the page finds the optional routes in the OpenAPI document, whatever the parameter is called', () => {
  const none = capabilitiesFrom({ paths: { '/v1/users/{userId}/feed': { get: {} }, '/v1/tracks': { put: {} } } });
  assert.deepEqual(Object.values(none), [false, false, false, false, false, false]);
  const all = capabilitiesFrom({ paths: { '/v1/users/{id}': { get: {}, put: {} }, '/v1/tracks/{trackId}': { get: {} }, '/v1/tracks': { get: {}, put: {} }, '/v1/genres': { get: {} }, '/v1/markets': { get: {} } } });
  assert.deepEqual(Object.values(all), [true, true, true, true, true, true]);
});
