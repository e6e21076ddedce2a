import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../../src/server/app.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

test('healthz, readyz, metrics after a feed, OpenAPI at /docs, UI at /', async () => {
  const deps = testDeps(makeTestWorld({ tracks: 1000, users: 20 }));
  const app = await buildApp(deps);
  try {
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    const ready = await app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json<{ modelVersion: string }>().modelVersion, 'test-v1');

    assert.equal((await app.inject('/v1/users/u1/feed')).statusCode, 200);
    const metrics = await app.inject('/metrics');
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /encore_feed_stage_seconds_bucket\{[^}]*stage="AnnSource"/);
    assert.match(metrics.body, /encore_feed_candidates_count\{source="AnnSource"\} 1/);
    assert.match(metrics.body, /encore_feed_degradations_total/);
    assert.match(metrics.body, /encore_http_requests_total\{route="\/v1\/users\/:userId\/feed",status="200"\} 1/);

    const spec = (await app.inject('/docs/json')).json<{ paths: Record<string, unknown> }>();
    assert.ok(spec.paths['/v1/users/{userId}/feed'], Object.keys(spec.paths).join(','));
    assert.ok(spec.paths['/v1/events']);
    assert.equal((await app.inject('/docs')).statusCode < 400, true);

    const ui = await app.inject('/');
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /<title>Encore<\/title>/);
    assert.match((await app.inject('/app.js')).body, /loadFeed/);
    assert.equal((await app.inject('/nope')).statusCode, 404);
  } finally {
    await app.close();
  }
});

test('readyz answers 503 while no bundle is loaded; the feed answers 503, not 500', async () => {
  const deps = {
    ...testDeps(makeTestWorld({ tracks: 500, users: 5 })),
    bundles: {
      current: () => {
        throw new Error('no bundle yet');
      },
    },
  };
  const app = await buildApp(deps);
  try {
    const ready = await app.inject('/readyz');
    assert.equal(ready.statusCode, 503);
    assert.match(ready.body, /no bundle yet/);
    const feed = await app.inject('/v1/users/u1/feed');
    assert.equal(feed.statusCode, 503);
  } finally {
    await app.close();
  }
});
