// Start as a brand-new listener (random UUID): market, explicit setting and onboarding genres, chosen
// from the service's own lists (GET /v1/markets, GET /v1/genres) when it offers them.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import type { Genre, ListenerProfile } from '../types.js';

export interface NewListenerProps {
  readonly api: Api;
  readonly onStart: (profile: ListenerProfile) => void;
  readonly onCancel: () => void;
}

function GenreChoice({ genres, picked, toggle }: { genres: readonly Genre[]; picked: ReadonlySet<string>; toggle: (name: string) => void }): JSX.Element {
  const roots = genres.filter((g) => g.parent === undefined || g.parent === null || g.parent === '');
  const children = (root: string): Genre[] => genres.filter((g) => g.parent === root);
  const box = (g: Genre, label: string): JSX.Element => (
    <label class="check"><input type="checkbox" checked={picked.has(g.name)} onChange={() => toggle(g.name)} /> {label}</label>
  );
  return (
    <fieldset class="genres">
      <legend>Onboarding genres</legend>
      {roots.map((r) => {
        const subs = children(r.name);
        return (
          <div class="genre-root">
            {box(r, r.name)}
            {subs.length > 0 && (
              <details><summary>{subs.length} sub-genres</summary>{subs.map((g) => box(g, g.name.slice(r.name.length).replace(/^\//, '') || g.name))}</details>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

export function NewListener({ api, onStart, onCancel }: NewListenerProps): JSX.Element {
  const [markets, setMarkets] = useState<readonly string[]>([]);
  const [genres, setGenres] = useState<readonly Genre[]>([]);
  const [market, setMarket] = useState('');
  const [explicit, setExplicit] = useState(true);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (api.can.markets) api.markets().then((m) => { setMarkets(m); setMarket((cur) => cur || (m[0] ?? '')); }, (e: Error) => setError(e.message));
    if (api.can.genres) api.genres().then(setGenres, (e: Error) => setError(e.message));
  }, [api]);

  const toggle = (name: string): void => {
    const next = new Set(picked);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setPicked(next);
  };
  const submit = (e: Event): void => {
    e.preventDefault();
    onStart({ ...(market !== '' ? { market } : {}), explicit, genres: [...picked] });
  };
  return (
    <form class="new-listener" onSubmit={submit} aria-label="Start as a new listener">
      <h3>New listener</h3>
      {error !== null && <p class="error">{error}</p>}
      <div class="row">
        {api.can.markets ? (
          <label>Market <select value={market} onChange={(e) => setMarket(e.currentTarget.value)}>{markets.map((m) => <option value={m}>{m}</option>)}</select></label>
        ) : <span class="muted small">This service lists no markets: its default market applies.</span>}
        <label class="check"><input type="checkbox" checked={explicit} onChange={(e) => setExplicit(e.currentTarget.checked)} /> Explicit content allowed</label>
      </div>
      {api.can.genres ? <GenreChoice genres={genres} picked={picked} toggle={toggle} /> : <p class="muted small">This service lists no genres: the feed starts from what is popular.</p>}
      <div class="row">
        <button type="submit" class="primary">Start listening</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
