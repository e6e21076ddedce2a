// The page treats every id as an opaque string: a listener id with ':' '/' ' ' and 'ü', track ids that are
// UUIDs, URIs with '/', non-ASCII and 256 bytes long, artist ids with '/': open, play, dislike, ban, radio.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { IdDictionary } from '../../src/catalog/IdDictionary.js';
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import { buildApp } from '../../src/server/app.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';
import { findChromium, launch, watchProblems } from './browser.js';
import { card, nextFeed, noneOf } from './pageSteps.js';

const PORT = Number(process.env.ENCORE_UI_TEST_PORT ?? 18210) + 1;
const chromiumPath = findChromium();
const LISTENER = 'spotify:user:ab/c ü';

function appTrackId(t: number): string {
  const tail = `#${t}`;
  switch (t % 4) {
    case 0:
      return randomUUID();
    case 1:
      return `spotify:track:ab/c d${t}`;
    case 2:
      return `träck ${t} ♪?&=`;
    default:
      return 'é'.repeat((256 - tail.length) >> 1) + 'x'.repeat((256 - tail.length) & 1) + tail; // 256 bytes
  }
}

test('the page with opaque ids: percent-encoded paths, ids as sent in events', { skip: chromiumPath === null ? 'no Chromium found (apt-get install chromium, or set ENCORE_CHROMIUM)' : false, timeout: 60_000 }, async () => {
  const world = makeTestWorld();
  const trackIds = IdDictionary.of(Array.from({ length: world.catalog.trackCount }, (_, t) => appTrackId(t)));
  const artistIds = IdDictionary.of(Array.from({ length: world.catalog.artistCount }, (_, a) => `spotify:artist:${a}/x y`));
  const catalog = new MutableCatalog({ ...world.catalog, trackIds, artistIds });
  const app = await buildApp({ ...testDeps(world), catalog });
  await app.listen({ port: PORT, host: '127.0.0.1' });
  const browser = await launch(chromiumPath!);
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = watchProblems(page);
    const posted: unknown[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/events')) posted.push(...(r.postDataJSON() as { events: unknown[] }).events);
    });
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.getByLabel('Listener id').fill(LISTENER);
    const first = await nextFeed(page, () => page.getByLabel('Listener id').press('Enter'));
    assert.equal(first.items.length, 30);
    assert.equal(await page.getByTestId('listener-id').innerText(), LISTENER);

    // Played to the end: the page asks GET /v1/tracks/{id} for its length, with the id percent-encoded.
    const played = first.items.find((i) => i.trackId.includes('/')) ?? first.items[0]!;
    const afterPlay = await nextFeed(page, () => page.getByRole('group', { name: card(page, played) }).getByRole('button', { name: /^Play to the end/ }).click());
    const complete = posted.find((e) => (e as { type: string }).type === 'complete') as { userId: string; trackId: string; position: number };
    assert.deepEqual([complete.userId, complete.trackId, complete.position], [LISTENER, played.trackId, world.catalog.columns.durationMs[catalog.trackIds.indexOf(played.trackId)]]);
    assert.ok(!afterPlay.items.some((i) => i.trackId === played.trackId));

    const disliked = afterPlay.items.find((i) => Buffer.byteLength(i.trackId) === 256) ?? afterPlay.items[1]!;
    await nextFeed(page, () => page.getByRole('group', { name: card(page, disliked) }).getByRole('button', { name: /^Dislike/ }).click());
    const gone = page.locator('section.changes details', { hasText: 'Gone' });
    if ((await gone.getAttribute('open')) === null) await gone.locator('summary').click();
    const afterBan = await nextFeed(page, () => gone.getByRole('button', { name: `Ban the artist: ${disliked.artist} (of ${disliked.title}, gone)` }).click());
    assert.ok(noneOf(afterBan, disliked.trackId, disliked.artistId));
    assert.ok(posted.some((e) => (e as { type: string; artistId?: string }).type === 'ban_artist' && (e as { artistId: string }).artistId === disliked.artistId));

    const seed = afterBan.items.find((i) => i.trackId.includes('?&=')) ?? afterBan.items[0]!;
    const radio = await nextFeed(page, () => page.getByRole('button', { name: `Start a radio from ${seed.title} by ${seed.artist}` }).click());
    assert.equal(radio.surface, 'radio');
    assert.ok(radio.trace.stages.some((s) => s.name === 'SeedTrackFilter'));
    assert.ok(!radio.items.some((i) => i.trackId === seed.trackId), 'the seed, sent as seedTrackId, is not in its own radio');

    assert.deepEqual(problems, [], 'no console errors, failed requests or HTTP errors');
  } finally {
    await browser.close();
    await app.close();
  }
});
