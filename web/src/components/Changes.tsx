// What changed since the previous feed: tracks gone, new tracks, new reasons.
import type { JSX } from 'preact';
import type { FeedDiff } from '../feedDiff.js';

export function Changes({ diff, after }: { diff: FeedDiff | null; after: string | null }): JSX.Element | null {
  if (diff === null) return null;
  const { gone, added, reasonChanged } = diff;
  return (
    <section class="changes" aria-label="Changes since the previous feed">
      <h3>
        Since the previous feed{after !== null ? ` (after: ${after})` : ''}: {gone.length} gone, {added.length} new, {reasonChanged.length} new reasons, {diff.kept} kept
      </h3>
      {gone.length > 0 && (
        <details open={gone.length <= 6}>
          <summary>Gone ({gone.length})</summary>
          <ul class="gone-list">{gone.map((i) => <li data-track-id={i.trackId}>{i.title} · {i.artist}</li>)}</ul>
        </details>
      )}
      {reasonChanged.length > 0 && (
        <details>
          <summary>New reasons ({reasonChanged.length})</summary>
          <ul>{reasonChanged.map(({ item, before }) => <li>{item.title}: {before} → {item.reason}</li>)}</ul>
        </details>
      )}
    </section>
  );
}
