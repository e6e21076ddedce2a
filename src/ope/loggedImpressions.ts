// The exploration slot's logged impressions (those with a propensity) and their reward: 1 when the listener
// completed that track within REWARD_WINDOW_MS after the impression, else 0 (skipped, or never played).
import type { ListenEvent } from '../domain/events.js';

export const REWARD_WINDOW_MS = 6 * 3_600_000;

export interface LoggedImpression {
  readonly userId: string;
  readonly trackId: string;
  readonly surface: string;
  readonly timestamp: number;
  readonly propensity: number;
  readonly reward: number;
}

type Pages = () => AsyncIterable<readonly ListenEvent[]>;

export async function loggedImpressions(pages: Pages, surface: string | null): Promise<LoggedImpression[]> {
  const imps: Omit<LoggedImpression, 'reward'>[] = [];
  const completes = new Map<string, number[]>();
  for await (const page of pages()) {
    for (const e of page) {
      if (e.trackId === undefined) continue;
      if (e.type === 'impression' && e.propensity !== undefined && (surface === null || e.surface === surface)) {
        imps.push({ userId: e.userId, trackId: e.trackId, surface: e.surface ?? 'home', timestamp: e.timestamp, propensity: e.propensity });
      } else if (e.type === 'complete') {
        const key = `${e.userId}\0${e.trackId}`;
        const list = completes.get(key);
        if (list) list.push(e.timestamp);
        else completes.set(key, [e.timestamp]);
      }
    }
  }
  return imps.map((i) => {
    const ts = completes.get(`${i.userId}\0${i.trackId}`) ?? [];
    const reward = ts.some((t) => t >= i.timestamp && t - i.timestamp <= REWARD_WINDOW_MS) ? 1 : 0;
    return { ...i, reward };
  });
}
