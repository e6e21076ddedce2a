// Steps the browser tests share: wait for the feed an action causes, compare the waterfall with a trace.
import assert from 'node:assert/strict';
import type { Page, Response } from 'playwright-core';
import type { FeedResult } from '../../src/pipeline/types.js';

export type Item = FeedResult['items'][number];

export const isFeed = (r: Response): boolean => r.url().includes('/feed?') && r.request().method() === 'GET';

/** Runs `action` and returns the feed response it caused, once the list shows it. */
export async function nextFeed(page: Page, action: () => Promise<unknown>): Promise<FeedResult> {
  const [res] = await Promise.all([page.waitForResponse(isFeed), action()]);
  assert.equal(res.status(), 200, await res.text());
  const feed = (await res.json()) as FeedResult;
  await page.locator('ol.tracks > li').first().and(page.locator(`[data-track-id=${JSON.stringify(feed.items[0]!.trackId)}]`)).waitFor();
  await page.locator('section.feed[aria-busy="false"]').waitFor();
  return feed;
}

export async function assertWaterfallMatches(page: Page, feed: FeedResult): Promise<void> {
  const shown = await page.locator('ol.waterfall > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
  assert.deepEqual(shown, feed.trace.stages.map((s) => s.name), 'the waterfall lists every stage of the trace, in order');
}

export const card = (page: Page, i: Item): string => `Actions for ${i.title} by ${i.artist}`;
export const noneOf = (feed: FeedResult, trackId: string, artistId: string): boolean => !feed.items.some((i) => i.trackId === trackId || i.artistId === artistId);

