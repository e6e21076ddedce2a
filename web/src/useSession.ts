// The page's state machine: which listener, which surface, the current and previous feed, and the
// listener's actions (events, then a fresh feed and what changed).
import { useCallback, useRef, useState } from 'preact/hooks';
import { ACTION_LABELS, eventsFor, impressions, type TrackAction } from './actions.js';
import type { Api } from './api.js';
import { diffFeeds, type FeedDiff } from './feedDiff.js';
import { rememberListener, recentListeners } from './recent.js';
import type { FeedResponse, Item, Listener, ListenerProfile, Surface, UserView } from './types.js';

export const FEED_SIZE = 30;

export interface Session {
  readonly listener: Listener | null;
  readonly user: UserView | null;
  readonly surface: Surface;
  readonly feed: FeedResponse | null;
  readonly diff: FeedDiff | null;
  readonly lastAction: string | null;
  readonly status: string;
  readonly error: string | null;
  readonly busy: boolean;
  readonly recent: readonly string[];
  pick(id: string): void;
  startNew(profile: ListenerProfile): void;
  act(action: TrackAction, item: Item): void;
  radio(trackId: string, title: string): void;
  home(): void;
  refresh(): void;
}

export function useSession(api: Api): Session {
  const [listener, setListener] = useState<Listener | null>(null);
  const [user, setUser] = useState<UserView | null>(null);
  const [surface, setSurface] = useState<Surface>({ name: 'home' });
  const [feed, setFeed] = useState<FeedResponse | null>(null);
  const [diff, setDiff] = useState<FeedDiff | null>(null);
  const [lastAction, setLastAction] = useState<string | null>(null);
  const [status, setStatus] = useState('Pick a listener or start as a new one.');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [recent, setRecent] = useState<readonly string[]>(recentListeners());
  const feedRef = useRef<FeedResponse | null>(null);

  const run = useCallback(async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError((err as Error).message);
      setStatus('Something went wrong.');
    } finally {
      setBusy(false);
    }
  }, []);

  /** Loads the feed, diffs it against the previous one of the same listener, logs impressions. */
  const load = useCallback(async (who: Listener, where: Surface, after: string | null, samePerson: boolean): Promise<void> => {
    setStatus('Loading the feed…');
    const next = await api.feed(who.id, { surface: where, limit: FEED_SIZE, onboarding: who.onboarding });
    const prev = feedRef.current;
    feedRef.current = next;
    setFeed(next);
    setDiff(samePerson && prev !== null ? diffFeeds(prev, next) : null);
    setLastAction(after);
    setStatus(`${next.items.length} tracks for ${who.id} (${where.name === 'radio' ? `radio from ${where.seedTitle}` : 'home'}) in ${next.trace.totalMs.toFixed(1)} ms.`);
    await api.events(impressions(who.id, next, Date.now()));
    if (api.can.userRead) setUser(await api.user(who.id));
  }, [api]);

  const begin = (who: Listener): void => {
    setListener(who);
    setUser(null);
    setSurface({ name: 'home' });
    setRecent(rememberListener(who.id));
    feedRef.current = null;
    void run(() => load(who, { name: 'home' }, null, false));
  };

  const pick = (id: string): void => begin({ id });

  const startNew = (profile: ListenerProfile): void => {
    const id = crypto.randomUUID();
    void run(async () => {
      // Stored by the service when it can be (PUT /v1/users/{id}); otherwise sent with every feed request.
      if (api.can.userWrite) await api.putUser(id, profile);
      const who: Listener = api.can.userWrite ? { id } : { id, onboarding: profile };
      setListener(who);
      setUser(null);
      setSurface({ name: 'home' });
      setRecent(rememberListener(id));
      feedRef.current = null;
      await load(who, { name: 'home' }, null, false);
    });
  };

  const act = (action: TrackAction, item: Item): void => {
    const who = listener;
    const current = feedRef.current;
    if (who === null || current === null) return;
    void run(async () => {
      const durationMs = item.durationMs ?? (api.can.trackRead && (action === 'play' || action === 'skipLate') ? (await api.track(item.trackId)).durationMs : undefined);
      const answer = await api.events(eventsFor(action, { userId: who.id, feed: current, item, durationMs, now: Date.now() }));
      if (answer.rejected.length > 0) throw new Error(`event rejected: ${answer.rejected.map((r) => r.reason).join('; ')}`);
      await load(who, surface, `${ACTION_LABELS[action].done} ${item.title}`, true);
    });
  };

  const go = (where: Surface, label: string): void => {
    const who = listener;
    if (who === null) return;
    setSurface(where);
    void run(() => load(who, where, label, true));
  };

  return {
    listener, user, surface, feed, diff, lastAction, status, error, busy, recent,
    pick,
    startNew,
    act,
    radio: (trackId, title) => go({ name: 'radio', seedTrackId: trackId, seedTitle: title }, `radio from ${title}`),
    home: () => go({ name: 'home' }, 'back to home'),
    refresh: () => go(surface, 'refresh'),
  };
}
