// The feed part of the page's state: the current feed, what changed since the previous one, the status
// line, and one loader that fetches a feed, diffs it, and logs its impressions.
import { useCallback, useRef, useState } from 'preact/hooks';
import { impressions } from './actions.js';
import type { Api } from './api.js';
import { diffFeeds, type FeedDiff } from './feedDiff.js';
import type { FeedResponse, Listener, Surface, UserView } from './types.js';

export const FEED_SIZE = 30;

export interface FeedState {
  readonly feed: FeedResponse | null;
  readonly diff: FeedDiff | null;
  readonly lastAction: string | null;
  readonly user: UserView | null;
  readonly status: string;
  /** The feed on screen now (a ref: actions read it without waiting for a render). */
  current(): FeedResponse | null;
  /** Forget the previous feed: the next one is not compared with it (another listener). */
  reset(): void;
  /** Fetch `who`'s feed on `where`; `after` names what caused it (shown with the changes). */
  load(who: Listener, where: Surface, after: string | null): Promise<void>;
  say(status: string): void;
}

export function useFeed(api: Api): FeedState {
  const [feed, setFeed] = useState<FeedResponse | null>(null);
  const [diff, setDiff] = useState<FeedDiff | null>(null);
  const [lastAction, setLastAction] = useState<string | null>(null);
  const [user, setUser] = useState<UserView | null>(null);
  const [status, setStatus] = useState('Pick a listener or start as a new one.');
  const feedRef = useRef<FeedResponse | null>(null);

  const load = useCallback(async (who: Listener, where: Surface, after: string | null): Promise<void> => {
    setStatus('Loading the feed…');
    const next = await api.feed(who.id, { surface: where, limit: FEED_SIZE, onboarding: who.onboarding });
    const prev = feedRef.current;
    feedRef.current = next;
    setFeed(next);
    setDiff(prev !== null ? diffFeeds(prev, next) : null);
    setLastAction(after);
    setStatus(`${next.items.length} tracks for ${who.id} (${where.name === 'radio' ? `radio from ${where.seedTitle}` : 'home'}) in ${next.trace.totalMs.toFixed(1)} ms.`);
    await api.events(impressions(who.id, next, Date.now()));
    if (api.can.userRead) setUser(await api.user(who.id));
  }, [api]);

  const reset = useCallback((): void => {
    feedRef.current = null;
    setUser(null);
  }, []);

  return { feed, diff, lastAction, user, status, current: () => feedRef.current, reset, load, say: setStatus };
}
