// What changed since the previous feed: tracks gone, new tracks, new reasons.
import type { JSX } from 'preact';
import type { TrackAction } from '../actions.js';
import type { FeedDiff } from '../feedDiff.js';
import type { Item } from '../types.js';
import { Icon } from './Icons.js';

export interface ChangesProps {
  readonly diff: FeedDiff | null;
  readonly after: string | null;
  readonly busy: boolean;
  /** A track that left the feed (e.g. disliked) can still have its artist banned. */
  readonly onAction: (action: TrackAction, item: Item) => void;
}

export function Changes({ diff, after, busy, onAction }: ChangesProps): JSX.Element | null {
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
          <ul class="gone-list">
            {gone.map((i) => (
              <li data-track-id={i.trackId}>
                <span>{i.title} · {i.artist}</span>
                <button type="button" class="act" disabled={busy} aria-label={`Ban the artist: ${i.artist} (of ${i.title}, gone)`} title="Ban the artist" onClick={() => onAction('ban', i)}>
                  <Icon name="ban" size={14} /> Ban artist
                </button>
              </li>
            ))}
          </ul>
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
