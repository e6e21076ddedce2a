// The listener page in a real headless browser against the real service on a tiny generated world: pick a
// listener, dislike a track and ban its artist, refresh, ban from a card, search and start a radio, start
// as a new listener, read the waterfall and the live panel; screenshots at desktop and phone width.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { FeedResult } from '../../src/pipeline/types.js';
import { builtWebDir } from '../../src/server/plugins/ui.js';
import { findChromium, launch, watchProblems } from './browser.js';
import { assertWaterfallMatches, card, nextFeed, noneOf, type Item } from './pageSteps.js';
import { serveTinyWorld } from './world.js';

const PORT = Number(process.env.ENCORE_UI_TEST_PORT ?? 18210);
const SHOTS = path.resolve('test-output/ui');
const chromiumPath = findChromium();
const PAGE_KEY = 'page-test_key';

/** Desktop and phone width (360 px): the page must fit without sideways scrolling. */
async function screenshots(page: Page): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'desktop.png') });
  await page.screenshot({ path: path.join(SHOTS, 'desktop-full.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'nothing wider than 360 px');
  await page.screenshot({ path: path.join(SHOTS, 'phone.png') });
  await page.locator('#wf-h').evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(SHOTS, 'phone-trace.png') });
  await page.locator('#live-h').evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(SHOTS, 'phone-live.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Dislike a track, then ban its artist from the "gone" list; the refreshed feed holds neither. */
async function dislikeThenBan(page: Page, feed: FeedResult): Promise<{ track: Item; feed: FeedResult }> {
  const track = feed.items[2]!;
  const afterDislike = await nextFeed(page, () => page.getByRole('group', { name: card(page, track) }).getByRole('button', { name: /^Dislike/ }).click());
  assert.ok(!afterDislike.items.some((i) => i.trackId === track.trackId), 'the disliked track is gone');
  await page.getByText(/Since the previous feed \(after: Disliked/).waitFor();
  const gone = page.locator('section.changes details', { hasText: 'Gone' });
  if ((await gone.getAttribute('open')) === null) await gone.locator('summary').click();
  await nextFeed(page, () => gone.getByRole('button', { name: `Ban the artist: ${track.artist} (of ${track.title}, gone)` }).click());
  const refreshed = await nextFeed(page, () => page.getByRole('button', { name: 'Refresh' }).click());
  assert.ok(noneOf(refreshed, track.trackId, track.artistId), 'neither the disliked track nor any track by its artist');
  assert.equal(await page.locator(`ol.tracks [data-track-id=${JSON.stringify(track.trackId)}], ol.tracks [data-artist-id=${JSON.stringify(track.artistId)}]`).count(), 0);
  return { track, feed: refreshed };
}

test('the listener page in a real browser', { skip: chromiumPath === null ? 'no Chromium found (apt-get install chromium, or set ENCORE_CHROMIUM)' : false, timeout: 90_000 }, async () => {
  assert.ok(fs.existsSync(path.join(builtWebDir(), 'index.html')), 'the page is built (npm run build:web)');
  const served = await serveTinyWorld(PORT, PAGE_KEY);
  const browser = await launch(chromiumPath!);
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = watchProblems(page);
    const unkeyedWrites: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET' && r.headers().authorization !== `Bearer ${PAGE_KEY}`) unkeyedWrites.push(`${r.method()} ${r.url()}`);
    });
    await page.goto(served.url);

    // Pick a listener by id (Enter in the box opens it: keyboard only).
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the feed', 'Tab lands on the skip link first');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.ok(['A', 'INPUT', 'BUTTON'].includes(await page.evaluate(() => document.activeElement?.tagName ?? '')), 'Tab moves on to the controls');
    await page.getByLabel('Listener id').fill('u3');
    const first = await nextFeed(page, () => page.getByLabel('Listener id').press('Enter'));
    assert.equal(first.items.length, 30);
    assert.equal(await page.locator('ol.tracks > li').count(), 30);
    await assertWaterfallMatches(page, first);
    await page.getByText('Known listener').waitFor();
    const ids = await page.locator('[id]').evaluateAll((els) => els.map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, 'element ids are unique (covers included)');
    assert.equal(await page.locator('ol.tracks svg.cover').count(), 30, 'a generated cover per track');

    // Like with the keyboard alone: focus the button, Enter; focus then continues from the feed's heading.
    await page.getByRole('group', { name: card(page, first.items[5]!) }).getByRole('button', { name: /^Like/ }).focus();
    const liked = await nextFeed(page, () => page.keyboard.press('Enter'));
    await page.getByText(/Since the previous feed \(after: Liked/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'feed-h');

    const { feed } = await dislikeThenBan(page, liked);
    const banStage = feed.trace.stages.find((s) => s.name === 'BannedArtistFilter')!;
    assert.match(await page.locator('[data-stage="BannedArtistFilter"]').innerText(), new RegExp(`${banStage.in} → ${banStage.out}`));

    // Ban from a card: that artist leaves the next feed too.
    const other = feed.items[0]!;
    const afterBan = await nextFeed(page, () => page.getByRole('group', { name: card(page, other) }).getByRole('button', { name: /^Ban the artist/ }).click());
    assert.ok(!afterBan.items.some((i) => i.artistId === other.artistId));
    await page.getByText(/Since the previous feed \(after: Banned the artist of/).waitFor();
    await screenshots(page);

    // Play one to the end (its length from GET /v1/tracks/{id}), then a radio from a card.
    const played = afterBan.items[1]!;
    const afterPlay = await nextFeed(page, () => page.getByRole('group', { name: card(page, played) }).getByRole('button', { name: /^Play to the end/ }).click());
    assert.ok(!afterPlay.items.some((i) => i.trackId === played.trackId), 'a track played to the end leaves the feed');
    const seed = afterPlay.items[3]!;
    const radio = await nextFeed(page, () => page.getByRole('button', { name: `Start a radio from ${seed.title} by ${seed.artist}` }).click());
    assert.equal(radio.surface, 'radio');
    await page.getByRole('heading', { name: `Radio from ${seed.title}`, exact: true }).waitFor();
    await assertWaterfallMatches(page, radio);
    assert.equal(await page.getByTestId('trace-bundle').innerText(), radio.modelVersion);

    // Search a track (GET /v1/tracks?q=) and start a radio from a hit.
    await page.getByLabel('Track or artist').fill(seed.title.slice(0, 4));
    await page.getByRole('button', { name: 'Search' }).click();
    const hit = page.getByRole('list', { name: 'Search results' }).getByRole('button').first();
    await hit.waitFor();
    const fromSearch = await nextFeed(page, () => hit.click());
    assert.equal(fromSearch.surface, 'radio');

    // Recent activity (GET /v1/users/{id}): the track played to the end is there, a radio starts from it.
    await page.locator('.listener-info summary', { hasText: 'Recent plays' }).click();
    const fromPlays = await nextFeed(page, () => page.getByRole('button', { name: `Start a radio from ${played.title} (recently played)` }).click());
    assert.equal(fromPlays.surface, 'radio');
    assert.ok(!fromPlays.items.some((i) => i.trackId === played.trackId), 'the seed is not in its own radio');

    // The live panel reads /metrics: the bundle gauge and the per-stage latency table.
    await page.getByTestId('live-bundle').getByText(served.bundleVersion).waitFor();
    await page.locator('table.latency tbody tr', { hasText: 'BannedArtistFilter' }).waitFor();

    // A brand-new listener: market and genres from the service's lists, profile stored by PUT /v1/users/{id}.
    await page.getByRole('button', { name: 'New listener' }).click();
    const form = page.getByRole('form', { name: 'Start as a new listener' });
    await form.locator('.genre-root input[type=checkbox]').first().check();
    await form.screenshot({ path: path.join(SHOTS, 'new-listener.png') });
    const fresh = await nextFeed(page, () => form.getByRole('button', { name: 'Start listening' }).click());
    assert.equal(fresh.items.length, 30);
    const uuid = await page.getByTestId('listener-id').innerText();
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.equal(await page.getByLabel('Listener id').inputValue(), uuid);
    await page.getByText('New listener (cold start)').or(page.getByText('Known listener')).first().waitFor();

    assert.deepEqual(problems, [], 'no console errors, failed requests or HTTP errors');
    assert.deepEqual(unkeyedWrites, [], 'every write carries the key the service gave the page');
  } finally {
    await browser.close();
    await served.close();
  }
});
