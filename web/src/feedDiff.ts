// What changed between two feeds: tracks gone, tracks new, and kept tracks whose reason changed.
import type { FeedResponse, Item } from './types.js';

export interface FeedDiff {
  readonly gone: readonly Item[];
  readonly added: readonly Item[];
  readonly reasonChanged: readonly { readonly item: Item; readonly before: string }[];
  readonly kept: number;
}

export function diffFeeds(prev: FeedResponse, next: FeedResponse): FeedDiff {
  const before = new Map(prev.items.map((i) => [i.trackId, i]));
  const after = new Set(next.items.map((i) => i.trackId));
  const added: Item[] = [];
  const reasonChanged: { item: Item; before: string }[] = [];
  let kept = 0;
  for (const item of next.items) {
    const old = before.get(item.trackId);
    if (old === undefined) added.push(item);
    else {
      kept++;
      if (old.reason !== item.reason) reasonChanged.push({ item, before: old.reason });
    }
  }
  return { gone: prev.items.filter((i) => !after.has(i.trackId)), added, reasonChanged, kept };
}
