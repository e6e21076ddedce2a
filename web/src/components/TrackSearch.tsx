// Find a track by title or artist (GET /v1/tracks?q=) and start a radio from it.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import type { TrackHit } from '../types.js';
import { Icon } from './Icons.js';

const artistName = (t: TrackHit): string => (typeof t.artist === 'string' ? t.artist : (t.artist?.name ?? ''));

export function TrackSearch({ api, onRadio }: { api: Api; onRadio: (trackId: string, title: string) => void }): JSX.Element | null {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<readonly TrackHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!api.can.trackSearch) return null;
  const submit = (e: Event): void => {
    e.preventDefault();
    if (q.trim() === '') return;
    api.searchTracks(q.trim()).then((h) => { setHits(h); setError(null); }, (err: Error) => setError(err.message));
  };
  return (
    <div class="track-search">
      <form class="row" role="search" aria-label="Search tracks" onSubmit={submit}>
        <label for="track-q">Track or artist</label>
        <input id="track-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} autocomplete="off" />
        <button type="submit"><Icon name="search" /> Search</button>
      </form>
      {error !== null && <p class="error">{error}</p>}
      {hits !== null && (
        <ul class="hits" aria-label="Search results">
          {hits.length === 0 && <li class="muted">no track matches</li>}
          {hits.map((t) => (
            <li>
              <span>{t.title}{artistName(t) !== '' ? ` · ${artistName(t)}` : ''}</span>
              <button type="button" aria-label={`Start a radio from ${t.title}`} onClick={() => onRadio(t.trackId, t.title)}><Icon name="radio" /> Radio</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
