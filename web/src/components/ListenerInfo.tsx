// The listener's profile and recent activity (GET /v1/users/{id}), when the service offers the route.
import type { JSX } from 'preact';
import type { UserView } from '../types.js';

export function ListenerInfo({ user }: { user: UserView | null }): JSX.Element | null {
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
            {plays.slice(0, 20).map((r) => <li>{r.title ?? r.trackId}{r.artist !== undefined ? ` · ${r.artist}` : ''}{r.timestamp !== undefined ? ` · ${new Date(r.timestamp).toLocaleString()}` : ''}</li>)}
          </ul>
        </details>
      )}
    </div>
  );
}
