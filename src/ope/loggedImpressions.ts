// The exploration slot's logged impressions (those with a propensity) and their reward. The estimand is the
// slot's completion rate (completions / plays, as the simulator and the experiment readout count it), so the
// unit is an impression whose track the listener then played within REWARD_WINDOW_MS, and its reward is 1 when
// that play completed. An impression never reached (the session ended above the slot) is left out: whether the
// listener reaches position k depends only on the items above it, fixed before the slot is drawn, so dropping
// it keeps the logged propensity the right one (docs/simulator.md, "Off-policy evaluation").
// The log is also kept per listener, in order, to rebuild the online state each impression was served with.
import type { ListenEvent } from '../domain/events.js';

export const REWARD_WINDOW_MS = 6 * 3_600_000;

export interface LoggedImpression {
  readonly userId: string;
  readonly trackId: string;
  readonly surface: string;
  readonly timestamp: number;
  readonly propensity: number;
  /** Items in the logged feed (the request's limit, as far as the log tells). */
  readonly feedSize: number;
  readonly played: boolean;
  /** 1: played and completed; 0 otherwise. */
  readonly reward: number;
}

export interface ImpressionLog {
  /** Every exploration-slot impression, played or not, in log order. */
  readonly impressions: readonly LoggedImpression[];
  /** Each listener's events in log order (the online state at an impression is the fold of those before it). */
  readonly byUser: ReadonlyMap<string, readonly ListenEvent[]>;
}

type Pages = () => AsyncIterable<readonly ListenEvent[]>;

const key = (u: string, t: string): string => `${u}\0${t}`;
const within = (ts: readonly number[] | undefined, from: number): boolean => (ts ?? []).some((t) => t >= from && t - from <= REWARD_WINDOW_MS);

export async function readImpressionLog(pages: Pages, surface: string | null): Promise<ImpressionLog> {
  const slot: ListenEvent[] = [];
  const feedSize = new Map<string, number>();
  const starts = new Map<string, number[]>();
  const completes = new Map<string, number[]>();
  const byUser = new Map<string, ListenEvent[]>();
  const push = (m: Map<string, number[]>, k: string, t: number): void => void (m.get(k)?.push(t) ?? m.set(k, [t]));
  for await (const page of pages()) {
    for (const e of page) {
      const list = byUser.get(e.userId);
      if (list) list.push(e);
      else byUser.set(e.userId, [e]);
      if (e.trackId === undefined) continue;
      if (e.type === 'impression') {
        if (e.requestId !== undefined) feedSize.set(e.requestId, (feedSize.get(e.requestId) ?? 0) + 1);
        if (e.propensity !== undefined && (surface === null || e.surface === surface)) slot.push(e);
      } else if (e.type === 'play_start') push(starts, key(e.userId, e.trackId), e.timestamp);
      else if (e.type === 'complete') push(completes, key(e.userId, e.trackId), e.timestamp);
    }
  }
  const impressions = slot.map((e): LoggedImpression => {
    const k = key(e.userId, e.trackId!);
    const played = within(starts.get(k), e.timestamp);
    return {
      userId: e.userId, trackId: e.trackId!, surface: e.surface ?? 'home', timestamp: e.timestamp, propensity: e.propensity!,
      feedSize: (e.requestId !== undefined ? feedSize.get(e.requestId) : undefined) ?? 1, played, reward: played && within(completes.get(k), e.timestamp) ? 1 : 0,
    };
  });
  return { impressions, byUser };
}

/** The played exploration-slot impressions: the units of the completion-rate estimate. */
export async function loggedImpressions(pages: Pages, surface: string | null): Promise<LoggedImpression[]> {
  return (await readImpressionLog(pages, surface)).impressions.filter((i) => i.played);
}
