// One track of the feed: cover, title, artist, album, the reason, and the listener's actions.
import type { JSX } from 'preact';
import { ACTION_LABELS, type TrackAction } from '../actions.js';
import { albumKey } from '../cover.js';
import type { Item } from '../types.js';
import { Cover } from './Cover.js';
import { Icon, type IconName } from './Icons.js';

const ACTIONS: readonly (readonly [TrackAction, IconName])[] = [
  ['play', 'play'],
  ['skipEarly', 'skip'],
  ['skipLate', 'skipLate'],
  ['like', 'like'],
  ['dislike', 'dislike'],
  ['ban', 'ban'],
];

export interface TrackCardProps {
  readonly item: Item;
  readonly position: number;
  readonly isNew: boolean;
  readonly reasonBefore: string | undefined;
  readonly busy: boolean;
  readonly onAction: (action: TrackAction, item: Item) => void;
  readonly onRadio: (item: Item) => void;
}

export function TrackCard({ item, position, isNew, reasonBefore, busy, onAction, onRadio }: TrackCardProps): JSX.Element {
  const name = `${item.title} by ${item.artist}`;
  return (
    <li class="track" data-track-id={item.trackId} data-artist-id={item.artistId}>
      <span class="pos" aria-hidden="true">{position + 1}</span>
      <Cover albumKey={albumKey(item)} />
      <div class="track-text">
        <div class="title">
          {item.title}
          {isNew && <span class="badge new">new</span>}
          {item.exploration === true && <span class="badge explore" title={`chosen by the exploration policy, p = ${item.propensity ?? '?'}`}>explore</span>}
        </div>
        <div class="meta">{item.artist} · {item.album}</div>
        <div class={reasonBefore !== undefined ? 'reason changed' : 'reason'}>
          {item.reason}
          {reasonBefore !== undefined && <span class="was"> (was: {reasonBefore})</span>}
        </div>
      </div>
      <div class="actions" role="group" aria-label={`Actions for ${name}`}>
        {ACTIONS.map(([action, icon]) => (
          <button type="button" class={`act act-${action}`} disabled={busy} aria-label={`${ACTION_LABELS[action].long}: ${name}`} title={ACTION_LABELS[action].long} onClick={() => onAction(action, item)}>
            <Icon name={icon} />
            <span class="act-label">{ACTION_LABELS[action].short}</span>
          </button>
        ))}
        <button type="button" class="act act-radio" disabled={busy} aria-label={`Start a radio from ${name}`} title="Start a radio from this track" onClick={() => onRadio(item)}>
          <Icon name="radio" />
          <span class="act-label">Radio</span>
        </button>
      </div>
    </li>
  );
}
