// The page's server side: built assets under /ui/, its config (an API key only when one is given), and
// the gauges the live panel reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../../src/server/app.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

test('the page, its assets and favicon are served from the build; no key unless the service gives one', async () => {
  const app = await buildApp(testDeps(makeTestWorld({ tracks: 300, users: 10 })));
  try {
    const page = await app.inject('/');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(asset !== undefined, `the built page (npm run build:web) links its script: ${page.body.slice(0, 200)}`);
    assert.equal((await app.inject(asset)).statusCode, 200);
    const icon = await app.inject('/ui/favicon.svg');
    assert.equal(icon.statusCode, 200);
    assert.match(icon.headers['content-type'] as string, /image\/svg\+xml/);
    assert.doesNotMatch(page.body, /encore-api-key/, 'no key in the page unless the service gives one');
    assert.equal((await app.inject('/ui/nothing-here.js')).statusCode, 404);
  } finally {
    await app.close();
  }
  const keyed = await buildApp(testDeps(makeTestWorld({ tracks: 300, users: 10 })), { ui: { pageKey: 'local-demo_key' } });
  try {
    const page = await keyed.inject('/');
    assert.match(page.body, /<meta name="encore-api-key" content="local-demo_key">/);
    assert.equal(page.headers['cache-control'], 'no-store');
  } finally {
    await keyed.close();
  }
});

test('metrics name the bundle being served, since when, and count degraded feeds', async () => {
  const before = Date.now();
  const app = await buildApp(testDeps(makeTestWorld({ tracks: 300, users: 10 })));
  try {
    const res = await app.inject('/v1/users/u1/feed');
    assert.equal(res.statusCode, 200, res.body);
    const feed = res.json<{ degraded: unknown[] }>();
    const text = (await app.inject('/metrics')).body;
    assert.match(text, /^encore_bundle_info\{version="test-v1"\} 1$/m);
    const since = Number(/^encore_bundle_serving_since_seconds (\S+)$/m.exec(text)?.[1]);
    assert.ok(since * 1000 >= before - 1000 && since * 1000 <= Date.now(), `serving since ${since}`);
    const degraded = Number(/^encore_feed_degraded_total\{surface="home"\} (\S+)$/m.exec(text)?.[1] ?? 0);
    assert.equal(degraded, feed.degraded.length > 0 ? 1 : 0);
  } finally {
    await app.close();
  }
});

test('a live swap shows in the bundle gauges at the next scrape', async () => {
  const world = makeTestWorld({ tracks: 300, users: 10 });
  let serving = world.bundle;
  const app = await buildApp({ ...testDeps(world), bundles: { current: () => serving } });
  try {
    const sinceOf = (text: string): number => Number(/^encore_bundle_serving_since_seconds (\S+)$/m.exec(text)?.[1]);
    const first = (await app.inject('/metrics')).body;
    const swappedAt = Date.now();
    serving = { ...world.bundle, version: 'test-v2' };
    const second = (await app.inject('/metrics')).body;
    assert.match(second, /^encore_bundle_info\{version="test-v2"\} 1$/m);
    assert.doesNotMatch(second, /version="test-v1"/);
    assert.ok(sinceOf(second) * 1000 >= swappedAt && sinceOf(second) >= sinceOf(first));
  } finally {
    await app.close();
  }
});
