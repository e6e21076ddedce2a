// The listener page: pick or create a listener, the feed with its actions and changes, the trace
// waterfall and the live service panel.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api.js';
import { Changes } from './components/Changes.js';
import { Icon } from './components/Icons.js';
import { ListenerInfo } from './components/ListenerInfo.js';
import { ListenerPicker } from './components/ListenerPicker.js';
import { LivePanel } from './components/LivePanel.js';
import { NewListener } from './components/NewListener.js';
import { TrackCard } from './components/TrackCard.js';
import { TrackSearch } from './components/TrackSearch.js';
import { Waterfall } from './components/Waterfall.js';
import { useSession, type Session } from './useSession.js';

function FeedSection({ s }: { s: Session }): JSX.Element {
  const isNew = new Set(s.diff?.added.map((i) => i.trackId) ?? []);
  const reasonBefore = new Map(s.diff?.reasonChanged.map((r) => [r.item.trackId, r.before]) ?? []);
  const title = s.surface.name === 'radio' ? `Radio from ${s.surface.seedTitle}` : 'Home feed';
  // The button that was pressed is disabled while the feed reloads (and may be gone after): keyboard focus
  // continues from the feed's heading instead of falling back to the top of the page.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (s.lastAction !== null && lost) heading.current?.focus();
  }, [s.feed, s.lastAction]);
  return (
    <section class="panel feed" aria-labelledby="feed-h" aria-busy={s.busy}>
      <div class="feed-head">
        <h2 id="feed-h" tabIndex={-1} ref={heading}>{title}</h2>
        {s.surface.name === 'radio' && <button type="button" onClick={s.home} disabled={s.busy}><Icon name="home" /> Home feed</button>}
        <button type="button" onClick={s.refresh} disabled={s.busy || s.listener === null}><Icon name="refresh" /> Refresh</button>
      </div>
      <Changes diff={s.diff} after={s.lastAction} busy={s.busy} onAction={s.act} />
      {s.feed === null ? <p class="muted">No feed yet.</p> : (
        <ol class="tracks" aria-label={title}>
          {s.feed.items.map((item, i) => (
            <TrackCard item={item} position={i} isNew={isNew.has(item.trackId)} reasonBefore={reasonBefore.get(item.trackId)} busy={s.busy} onAction={s.act} onRadio={(it) => s.radio(it.trackId, it.title)} />
          ))}
        </ol>
      )}
    </section>
  );
}

export function App({ api }: { api: Api }): JSX.Element {
  const s = useSession(api);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <nav class="skip-links" aria-label="Skip links"><a href="#feed-h">Skip to the feed</a> <a href="#wf-h">Skip to the trace</a></nav>
      <header class="top">
        <h1><img src="/ui/favicon.svg" alt="" width="24" height="24" /> Encore</h1>
        <p class="status" role="status" aria-live="polite">{s.status}</p>
        <nav><a href="/docs">API docs</a> <a href="/metrics">metrics</a></nav>
      </header>
      <main>
        <section class="panel listener" aria-label="Listener">
          <ListenerPicker current={s.listener?.id ?? null} recent={s.recent} onPick={(id) => { setCreating(false); s.pick(id); }} onNew={() => setCreating(true)} />
          {creating && <NewListener api={api} onStart={(p) => { setCreating(false); s.startNew(p); }} onCancel={() => setCreating(false)} />}
          {s.listener !== null && <p class="small">Acting as <strong class="mono" data-testid="listener-id">{s.listener.id}</strong></p>}
          <ListenerInfo user={s.user} busy={s.busy} onRadio={s.radio} />
          {s.listener !== null && <TrackSearch api={api} onRadio={s.radio} />}
          {s.error !== null && <p class="error" role="alert">{s.error}</p>}
        </section>
        <div class="columns">
          <FeedSection s={s} />
          <aside class="side">
            <Waterfall feed={s.feed} />
            <LivePanel api={api} />
          </aside>
        </div>
      </main>
    </>
  );
}
