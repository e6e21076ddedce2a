// The listener page in a real headless browser against a running service on a tiny world: pick a
// listener, dislike a track and ban its artist, refresh, start a radio, read the waterfall, screenshots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page, Response } from 'playwright-core';
import type { FeedResult } from '../../src/pipeline/types.js';
import { buildApp } from '../../src/server/app.js';
import { builtWebDir } from '../../src/server/plugins/ui.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';
import { findChromium, launch, watchProblems } from './browser.js';

const PORT = Number(process.env.ENCORE_UI_TEST_PORT ?? 18210);
const SHOTS = path.resolve('test-output/ui');
const chromiumPath = findChromium();

const isFeed = (r: Response): boolean => r.url().includes('/feed?') && r.request().method() === 'GET';

/** Runs `action` and returns the feed response it caused (the page refetches after every action). */
async function nextFeed(page: Page, action: () => Promise<unknown>): Promise<FeedResult> {
  const [res] = await Promise.all([page.waitForResponse(isFeed), action()]);
  assert.equal(res.status(), 200, await res.text());
  const feed = (await res.json()) as FeedResult;
  // The list shows this feed once its first card is the response's first track.
  await page.locator('ol.tracks > li').first().and(page.locator(`[data-track-id="${feed.items[0]!.trackId}"]`)).waitFor();
  return feed;
}

async function assertWaterfallMatches(page: Page, feed: FeedResult): Promise<void> {
  const shown = await page.locator('ol.waterfall > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
  assert.deepEqual(shown, feed.trace.stages.map((s) => s.name), 'the waterfall lists every stage of the trace, in order');
}

/** Desktop and phone width (360 px): the page must fit without sideways scrolling. */
async function screenshots(page: Page): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'desktop.png') });
  await page.screenshot({ path: path.join(SHOTS, 'desktop-full.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'nothing wider than 360 px');
  await page.screenshot({ path: path.join(SHOTS, 'phone.png') });
  await page.screenshot({ path: path.join(SHOTS, 'phone-full.png'), fullPage: true });
  await page.locator('#wf-h').evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(SHOTS, 'phone-trace.png') });
  await page.locator('#live-h').evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(SHOTS, 'phone-live.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('the listener page: pick, dislike, ban, refresh, radio, trace, live panel, phone width', { skip: chromiumPath === null ? 'no Chromium found (apt-get install chromium, or set ENCORE_CHROMIUM)' : false, timeout: 60_000 }, async () => {
  assert.ok(fs.existsSync(path.join(builtWebDir(), 'index.html')), 'the page is built (npm run build:web)');
  const world = makeTestWorld();
  const app = await buildApp(testDeps(world));
  await app.listen({ port: PORT, host: '127.0.0.1' });
  const browser = await launch(chromiumPath!);
  try {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    await page.goto(`http://127.0.0.1:${PORT}/`);

    // Pick a listener by id.
    await page.getByLabel('Listener id').fill('u6');
    const first = await nextFeed(page, () => page.getByRole('button', { name: 'Open', exact: true }).click());
    assert.equal(first.items.length, 30);
    assert.equal(await page.locator('ol.tracks > li').count(), 30);
    await assertWaterfallMatches(page, first);

    // An artist with two tracks in the feed: dislike one, then ban the artist through the other.
    const byArtist = new Map<string, FeedResult['items'][number][]>();
    for (const i of first.items) byArtist.set(i.artistId, [...(byArtist.get(i.artistId) ?? []), i]);
    const [artistId, tracks] = [...byArtist].sort((a, b) => b[1].length - a[1].length)[0]!;
    assert.ok(tracks.length >= 2, 'the fixture feed holds an artist twice');
    const disliked = tracks[0]!;
    const afterDislike = await nextFeed(page, () => page.getByRole('button', { name: `Dislike: ${disliked.title} by ${disliked.artist}` }).click());
    assert.ok(!afterDislike.items.some((i) => i.trackId === disliked.trackId), 'the disliked track is gone');
    await page.getByText(/Since the previous feed \(after: Disliked/).waitFor();
    const other = afterDislike.items.find((i) => i.artistId === artistId) ?? tracks[1]!;
    assert.ok(afterDislike.items.includes(other) || afterDislike.items.some((i) => i.trackId === other.trackId), 'another track by the artist is still there to ban from');
    await nextFeed(page, () => page.getByRole('button', { name: `Ban the artist: ${other.title} by ${other.artist}` }).click());
    await page.getByText(/Since the previous feed \(after: Banned the artist of/).waitFor();
    await screenshots(page);

    const refreshed = await nextFeed(page, () => page.getByRole('button', { name: 'Refresh' }).click());
    assert.ok(!refreshed.items.some((i) => i.trackId === disliked.trackId), 'the disliked track stays gone');
    assert.ok(!refreshed.items.some((i) => i.artistId === artistId), 'no track by the banned artist');
    assert.equal(await page.locator(`ol.tracks [data-track-id="${disliked.trackId}"]`).count(), 0);
    assert.equal(await page.locator(`ol.tracks [data-artist-id="${artistId}"]`).count(), 0);
    const banStage = refreshed.trace.stages.find((s) => s.name === 'BannedArtistFilter');
    assert.ok(banStage !== undefined && banStage.in > banStage.out, 'the ban filter removed the artist’s tracks');
    assert.match(await page.locator('[data-stage="BannedArtistFilter"]').innerText(), /removed \d+/);

    // A radio from a track.
    const seed = refreshed.items[0]!;
    const radio = await nextFeed(page, () => page.getByRole('button', { name: `Start a radio from ${seed.title} by ${seed.artist}` }).click());
    assert.equal(radio.surface, 'radio');
    await page.getByRole('heading', { name: `Radio from ${seed.title}`, exact: true }).waitFor();
    await assertWaterfallMatches(page, radio);
    assert.ok(radio.trace.stages.some((s) => s.name === 'SeedTrackFilter'));
    assert.equal(await page.getByTestId('trace-bundle').innerText(), radio.modelVersion);

    // The live panel reads /metrics: the bundle gauge and the latency table.
    await page.getByTestId('live-bundle').getByText(world.bundle.version).waitFor();
    await page.locator('table.latency tbody tr', { hasText: 'BannedArtistFilter' }).waitFor();

    // Keyboard: Tab reaches the controls, Enter in the id box opens the listener.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    assert.ok(['A', 'INPUT', 'BUTTON'].includes(await page.evaluate(() => document.activeElement?.tagName ?? '')), 'Tab lands on a control');
    await page.getByLabel('Listener id').fill('u7');
    const u7 = await nextFeed(page, () => page.getByLabel('Listener id').press('Enter'));
    assert.equal(u7.items.length, 30);

    assert.deepEqual(problems, [], 'no console errors, failed requests or HTTP errors');
  } finally {
    await browser.close();
    await app.close();
  }
});
