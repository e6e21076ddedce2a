import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { FeedResult } from '../../src/pipeline/types.js';
import { buildApp } from '../../src/server/app.js';
import { parseSmapsRollup } from '../../src/server/MappedMemoryMetrics.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

test('healthz, readyz, metrics after a feed, OpenAPI at /docs, UI at /', async () => {
  const deps = testDeps(makeTestWorld({ tracks: 1000, users: 20 }));
  const app = await buildApp(deps);
  try {
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    const ready = await app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json<{ modelVersion: string }>().modelVersion, 'test-v1');

    // On a busy machine a cold request can wait past AnnSource's shedAfterMs (the source is then shed and
    // records no candidates): ask again, a few times at most, until one feed ran AnnSource.
    let feeds = 0;
    let observed = 0; // feeds whose AnnSource stage was not skipped (those are the ones counted)
    for (let ran = false; !ran && feeds < 5; ) {
      const res = await app.inject('/v1/users/u1/feed');
      assert.equal(res.statusCode, 200);
      feeds++;
      const ann = res.json<FeedResult>().trace.stages.find((s) => s.name === 'AnnSource');
      if (ann !== undefined && ann.status !== 'skipped') observed++;
      ran = ann?.status === 'ok';
    }
    const metrics = await app.inject('/metrics');
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /encore_feed_stage_seconds_bucket\{[^}]*stage="AnnSource"/);
    assert.match(metrics.body, new RegExp(`encore_feed_candidates_count\\{source="AnnSource"\\} ${observed}\\n`));
    assert.match(metrics.body, /encore_feed_degradations_total/);
    assert.match(metrics.body, new RegExp(`encore_http_requests_total\\{route="/v1/users/:userId/feed",status="200"\\} ${feeds}\\n`));
    if (fs.existsSync('/proc/self/smaps_rollup')) {
      assert.match(metrics.body, /\nencore_mapped_file_resident_bytes [1-9]\d*\n/);
      assert.match(metrics.body, /\nencore_mapped_file_huge_bytes \d+\n/);
    }

    const spec = (await app.inject('/docs/json')).json<{ paths: Record<string, unknown> }>();
    assert.ok(spec.paths['/v1/users/{userId}/feed'], Object.keys(spec.paths).join(','));
    assert.ok(spec.paths['/v1/events']);
    assert.equal((await app.inject('/docs')).statusCode < 400, true);

    const ui = await app.inject('/');
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /<title>Encore<\/title>/);
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(ui.body)?.[1];
    assert.ok(script !== undefined, 'the built page links its script (test/server/ui.test.ts checks the rest)');
    assert.equal((await app.inject(script)).statusCode, 200);
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

test('the mapped-file gauges read Rss - Anonymous and FilePmdMapped of a smaps rollup', () => {
  const text = ['7f00-7fff ---p 00000000 00:00 0 [rollup]', 'Rss:             2060988 kB', 'Pss:             1000000 kB', 'Anonymous:        104584 kB', 'AnonHugePages:        0 kB', 'FilePmdMapped:   1859584 kB', ''].join('\n');
  assert.deepEqual(parseSmapsRollup(text), { resident: (2060988 - 104584) * 1024, huge: 1859584 * 1024 });
  assert.deepEqual(parseSmapsRollup('Rss: 8 kB\nAnonymous: 8 kB\n'), { resident: 0, huge: 0 }, 'an old kernel without FilePmdMapped');
  assert.equal(parseSmapsRollup('nothing here'), null);
});
