// The page's state machine: which listener and surface, and the listener's actions (events, then a fresh
// feed and what changed). The feed itself lives in useFeed.
import { useCallback, useState } from 'preact/hooks';
import { ACTION_LABELS, eventsFor, type TrackAction } from './actions.js';
import { ApiError, type Api } from './api.js';
import type { FeedDiff } from './feedDiff.js';
import { rememberListener, recentListeners } from './recent.js';
import type { FeedResponse, Item, Listener, ListenerProfile, Surface, UserView } from './types.js';
import { useFeed } from './useFeed.js';

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

/** Runs one piece of work at a time: busy while it runs, its error shown after. */
function useRunner(say: (s: string) => void): { busy: boolean; error: string | null; run: (work: () => Promise<void>) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback((work: () => Promise<void>): void => {
    setBusy(true);
    setError(null);
    work()
      .catch((err: Error) => {
        setError(err.message);
        say('Something went wrong.');
      })
      .finally(() => setBusy(false));
  }, [say]);
  return { busy, error, run };
}

export function useSession(api: Api): Session {
  const f = useFeed(api);
  const { busy, error, run } = useRunner(f.say);
  const [listener, setListener] = useState<Listener | null>(null);
  const [surface, setSurface] = useState<Surface>({ name: 'home' });
  const [recent, setRecent] = useState<readonly string[]>(recentListeners());

  /** Becomes `who` (after `prepare`, e.g. storing a new listener's profile) and loads the home feed. */
  const become = (id: string, prepare: () => Promise<Listener>): void =>
    run(async () => {
      const who = await prepare();
      setListener(who);
      setSurface({ name: 'home' });
      setRecent(rememberListener(id));
      f.reset();
      await f.load(who, { name: 'home' }, null);
    });

  const startNew = (profile: ListenerProfile): void => {
    const id = crypto.randomUUID();
    // Stored by the service when it can be (PUT /v1/users/{id}); otherwise sent with every feed request.
    become(id, async () => {
      if (!api.can.userWrite) return { id, onboarding: profile };
      try {
        await api.putUser(id, profile);
        return { id };
      } catch (err) {
        // A page key without the `users` scope: the feed query carries the profile instead.
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return { id, onboarding: profile };
        throw err;
      }
    });
  };

  const act = (action: TrackAction, item: Item): void => {
    const current = f.current();
    if (listener === null || current === null) return;
    run(async () => {
      const needsLength = api.can.trackRead && item.durationMs === undefined && (action === 'play' || action === 'skipLate');
      const durationMs = needsLength ? (await api.track(item.trackId)).durationMs : item.durationMs;
      const answer = await api.events(eventsFor(action, { userId: listener.id, feed: current, item, durationMs, now: Date.now() }));
      if (answer.rejected.length > 0) throw new Error(`event rejected: ${answer.rejected.map((r) => r.reason).join('; ')}`);
      await f.load(listener, surface, `${ACTION_LABELS[action].done} ${item.title}`);
    });
  };

  const go = (where: Surface, label: string): void => {
    if (listener === null) return;
    setSurface(where);
    run(() => f.load(listener, where, label));
  };

  return {
    listener, surface, busy, error, recent,
    user: f.user, feed: f.feed, diff: f.diff, lastAction: f.lastAction, status: f.status,
    pick: (id) => become(id, async () => ({ id })),
    startNew,
    act,
    radio: (trackId, title) => go({ name: 'radio', seedTrackId: trackId, seedTitle: title }, `radio from ${title}`),
    home: () => go({ name: 'home' }, 'back to home'),
    refresh: () => go(surface, 'refresh'),
  };
}
