// The listener's profile and recent activity (GET /v1/users/{id}), when the service offers the route.
import type { JSX } from 'preact';
import type { UserView } from '../types.js';
import { Icon } from './Icons.js';

export interface ListenerInfoProps {
  readonly user: UserView | null;
  readonly busy: boolean;
  readonly onRadio: (trackId: string, title: string) => void;
}

export function ListenerInfo({ user, busy, onRadio }: ListenerInfoProps): JSX.Element | null {
  if (user === null) return null;
  const p = user.profile ?? {};
  const plays = user.recentPlays ?? [];
  return (
    <div class="listener-info">
      <p class="small">
        {user.known ? 'Known listener' : 'New listener (cold start)'}
        {p.market !== undefined && ` · market ${p.market}`}
        {p.explicit !== undefined && ` · explicit ${p.explicit ? 'allowed' : 'off'}`}
        {p.genres !== undefined && p.genres.length > 0 && ` · genres ${p.genres.join(', ')}`}
        {` · ${user.likes?.length ?? 0} likes · ${user.dislikes?.length ?? 0} dislikes · ${user.bans?.length ?? 0} banned artists · ${user.followedArtists?.length ?? 0} followed`}
      </p>
      {plays.length > 0 && (
        <details>
          <summary>Recent plays ({plays.length})</summary>
          <ul class="plays">
            {plays.slice(0, 20).map((r) => (
              <li>
                <span>{r.title ?? r.trackId}{r.artist !== undefined ? ` · ${r.artist}` : ''}{r.timestamp !== undefined ? ` · ${new Date(r.timestamp).toLocaleString()}` : ''}</span>
                <button type="button" class="act" disabled={busy} aria-label={`Start a radio from ${r.title ?? r.trackId} (recently played)`} onClick={() => onRadio(r.trackId, r.title ?? r.trackId)}>
                  <Icon name="radio" size={14} /> Radio
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
