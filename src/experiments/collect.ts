// Per-listener totals of an experiment from the event log. A listener is exposed from their first impression
// carrying the experiment; from then on their play_start / complete / skip events count for that impression's
// variant (plays do not carry the variant themselves). Listening time: a skip's position, a completion's
// position when the client logged one (the simulator logs the track duration), else the catalog duration.
import type { ListenEvent } from '../domain/events.js';
import type { ListenerTotals } from './readout.js';

export interface Collected {
  readonly listeners: Map<string, ListenerTotals>;
  /** Variants seen in impressions, in first-seen order. */
  readonly variantsSeen: string[];
  /** Listeners whose impressions named more than one variant (counted in the first). */
  readonly crossed: number;
}

type Pages = () => AsyncIterable<readonly ListenEvent[]>;

export async function collectExperiment(pages: Pages, experiment: string, durationMs: (trackId: string) => number): Promise<Collected> {
  const exposure = new Map<string, { variant: string; at: number }>();
  const variantsSeen: string[] = [];
  const crossedIds = new Set<string>();
  for await (const page of pages()) {
    for (const e of page) {
      if (e.type !== 'impression' || e.experiment !== experiment || e.variant === undefined) continue;
      if (!variantsSeen.includes(e.variant)) variantsSeen.push(e.variant);
      const seen = exposure.get(e.userId);
      if (!seen) exposure.set(e.userId, { variant: e.variant, at: e.timestamp });
      else {
        if (seen.variant !== e.variant) crossedIds.add(e.userId);
        if (e.timestamp < seen.at) exposure.set(e.userId, { variant: seen.variant, at: e.timestamp });
      }
    }
  }
  const listeners = new Map<string, ListenerTotals>();
  for (const [id, x] of exposure) listeners.set(id, { variant: x.variant, plays: 0, completes: 0, skips: 0, listenMs: 0 });
  for await (const page of pages()) {
    for (const e of page) {
      const t = listeners.get(e.userId);
      if (!t || e.timestamp < exposure.get(e.userId)!.at) continue;
      if (e.type === 'play_start') t.plays++;
      else if (e.type === 'complete') {
        t.completes++;
        t.listenMs += e.position ?? (e.trackId !== undefined ? durationMs(e.trackId) : 0);
      } else if (e.type === 'skip') {
        t.skips++;
        t.listenMs += e.position ?? 0;
      }
    }
  }
  return { listeners, variantsSeen, crossed: crossedIds.size };
}
