// One simulated listening session: ask for a feed, listen through it in order, react per the listener model,
// send every event to POST /v1/events, and ask for the next page while patience lasts.
import type { World } from '../world/World.js';
import { completeProbability, type Truth } from '../world/truth.js';
import { listenerIdOf, trackIdOf } from '../eval/report/listenerIds.js';
import type { ServiceClient } from './client.js';
import type { DayTotals } from './dayMetrics.js';
import { SIM_MODEL, fatigued, playOutcome, startPatience } from './listenerModel.js';
import type { FeedPolicy, ServedFeed } from './policies.js';

export interface SessionContext {
  readonly world: World;
  readonly truth: Truth;
  readonly policy: FeedPolicy;
  readonly client: ServiceClient;
  /** Artists each simulated listener has played (history + simulation so far): discovery. */
  readonly knownArtists: Map<number, Set<number>>;
  readonly eventPrefix: string;
}

type Ev = Record<string, string | number>;

interface SessionState {
  readonly u: number;
  clock: number;
  patience: number;
  readonly maxPatience: number;
  plays: number;
  completes: number;
  ended: boolean;
  readonly played: Set<number>;
  readonly artistPlays: Map<number, number>;
  readonly artistSkips: Set<number>;
  seq: number;
}

function impressions(ctx: SessionContext, s: SessionState, feed: ServedFeed, evs: Ev[]): void {
  feed.items.forEach((it, i) => {
    evs.push({
      eventId: `${ctx.eventPrefix}-${s.u}-${s.seq++}`, type: 'impression', userId: listenerIdOf(ctx.world, s.u), trackId: trackIdOf(ctx.world, it.track),
      timestamp: s.clock, surface: 'home', requestId: feed.requestId, position: i,
      ...(it.propensity !== undefined ? { propensity: it.propensity } : {}), ...(feed.experiment ? { experiment: feed.experiment } : {}), ...(feed.variant ? { variant: feed.variant } : {}),
    });
  });
}

/** Listens to one track; returns false when the session ends after it. */
function listen(ctx: SessionContext, s: SessionState, t: number, rand: () => number, totals: DayTotals, evs: Ev[]): boolean {
  const c = ctx.world.catalog.columns;
  const artist = c.artist[t]!;
  const base = { userId: listenerIdOf(ctx.world, s.u), trackId: trackIdOf(ctx.world, t), surface: 'home' };
  const ev = (type: string, extra: Ev = {}): void => void evs.push({ eventId: `${ctx.eventPrefix}-${s.u}-${s.seq++}`, type, ...base, timestamp: Math.round(s.clock), ...extra });
  const p = fatigued(completeProbability(ctx.truth, ctx.world.catalog, s.u, t), s.artistPlays.get(artist) ?? 0);
  const o = playOutcome(rand, p, c.durationMs[t]!, s.artistSkips.has(artist));
  ev('play_start');
  s.clock += o.listenedMs;
  s.plays++;
  s.played.add(t);
  s.artistPlays.set(artist, (s.artistPlays.get(artist) ?? 0) + 1);
  totals.plays++;
  totals.listenedMs += o.listenedMs;
  const known = ctx.knownArtists.get(s.u)!;
  if (!known.has(artist)) {
    totals.discoveryPlays++;
    known.add(artist);
  }
  if (o.kind === 'complete') {
    ev('complete', { position: o.listenedMs });
    if (o.like) ev('like');
    totals.completes++;
    totals.likes += o.like ? 1 : 0;
    s.completes++;
    s.patience = Math.min(s.maxPatience, s.patience + SIM_MODEL.completeGain);
    if (rand() < SIM_MODEL.naturalEndAfterComplete) return false;
  } else {
    ev('skip', { position: o.listenedMs });
    if (o.dislike) ev('dislike');
    if (o.ban) ev('ban_artist');
    totals.skips++;
    totals.earlySkips += o.early ? 1 : 0;
    s.artistSkips.add(artist);
    s.patience -= o.early ? SIM_MODEL.earlySkipCost : SIM_MODEL.lateSkipCost;
  }
  s.clock += 1000;
  return s.patience > 0 && s.plays < SIM_MODEL.maxPlays;
}

async function post(ctx: SessionContext, evs: Ev[]): Promise<void> {
  for (let i = 0; i < evs.length; i += 1000) {
    const r = await ctx.client.postJson<{ rejected: { reason: string }[] }>('/v1/events', { events: evs.slice(i, i + 1000) });
    if (r.rejected.length > 0) throw new Error(`the service rejected simulated events: ${r.rejected[0]!.reason}`);
  }
  evs.length = 0;
}

/** Runs one session of listener u starting at `startMs`; returns the session's completion share. */
export async function runSession(ctx: SessionContext, u: number, startMs: number, rand: () => number, totals: DayTotals): Promise<number> {
  const patience = startPatience(ctx.truth.bias[u]!);
  const s: SessionState = { u, clock: startMs, patience, maxPatience: patience, plays: 0, completes: 0, ended: false, played: new Set(), artistPlays: new Map(), artistSkips: new Set(), seq: 0 };
  const evs: Ev[] = [];
  totals.sessions++;
  for (let page = 0; page < SIM_MODEL.maxFeeds && !s.ended; page++) {
    const feed = await ctx.policy.feed(u, SIM_MODEL.feedLimit, s.played, rand, `${ctx.eventPrefix}-${u}-${page}`, s.clock);
    if (feed.items.length === 0) break;
    totals.addFeed(feed.items.map((i) => i.track), ctx.world.catalog.columns.artist, feed.items.map((i) => completeProbability(ctx.truth, ctx.world.catalog, u, i.track)), feed.degraded === true);
    impressions(ctx, s, feed, evs);
    for (const it of feed.items) {
      if (!listen(ctx, s, it.track, rand, totals, evs)) {
        s.ended = true;
        break;
      }
    }
    await post(ctx, evs);
  }
  return s.plays > 0 ? s.completes / s.plays : 0;
}
