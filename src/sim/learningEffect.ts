// Did it learn? The day-over-day figures mix two things: a better bundle (learning) and who comes back (returning
// listeners are the ones whose sessions went well: the cohort). Before day d's sessions the simulator replays the
// whole fixed panel (every sampled listener, returning or not) through the truth model under both bundles in the
// same context (the listener's online state after the earlier days, the clock at the start of day d, the same
// exploration seed): the paired per-listener difference of the first page's mean truth appeal, day-d bundle minus
// day-0 bundle, is the learning effect; the day-0 bundle's appeal on day d's returning listeners minus on the whole
// panel is the cohort effect. Both with percentile bootstrap intervals over listeners (docs/simulator.md).
import type { World } from '../world/World.js';
import { completeProbability, type Truth } from '../world/truth.js';
import type { ListenEvent } from '../domain/events.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import { recommend, type RecommendDeps } from '../pipeline/recommend.js';
import { profilesFromUsers } from '../pipeline/UserProfiles.js';
import { MemoryListenerState } from '../storage/MemoryListenerState.js';
import { bootstrapInterval, DEFAULT_BOOTSTRAP, type Interval } from '../eval/stats/bootstrap.js';
import { listenerIdOf, trackIndexOf } from '../eval/report/listenerIds.js';
import { SIM_MODEL } from './listenerModel.js';

export interface LearningEffect {
  readonly day: number;
  readonly baseline: string;
  readonly current: string;
  /** Listeners in the fixed panel and, of them, those with a session on day d. */
  readonly panel: number;
  readonly returning: number;
  /** Mean truth appeal of the panel's first page under each bundle (same context). */
  readonly appealBaseline: number;
  readonly appealCurrent: number;
  /** Paired difference current − baseline over the whole panel. */
  readonly learning: Interval;
  /** Baseline appeal on the returning listeners minus on the whole panel. */
  readonly cohort: Interval;
}

export interface ProbeInput {
  readonly world: World;
  readonly truth: Truth;
  readonly listeners: Int32Array;
  readonly returning: ReadonlySet<number>;
  readonly baseline: ModelBundle;
  readonly current: ModelBundle;
  /** Every event logged so far (the online state is their fold). */
  readonly events: readonly ListenEvent[];
  readonly atMs: number;
  readonly day: number;
}

/** Mean truth appeal of the first page `bundle` serves listener u in this context. */
async function pageAppeal(p: ProbeInput, deps: RecommendDeps, u: number): Promise<number> {
  const feed = await recommend(deps, { userId: listenerIdOf(p.world, u), surface: 'home', limit: SIM_MODEL.feedLimit, nowMs: p.atMs, requestId: `probe-${p.day}-${u}`, explorationSeed: (u * 31 + p.day + 1) >>> 0 });
  let s = 0;
  let n = 0;
  for (const it of feed.items) {
    const t = trackIndexOf(p.world.catalog, it.trackId);
    if (t === null) continue;
    s += completeProbability(p.truth, p.world.catalog, u, t);
    n++;
  }
  return n > 0 ? s / n : NaN;
}

export async function learningEffect(p: ProbeInput): Promise<LearningEffect> {
  const state = new MemoryListenerState();
  await state.apply(p.events.filter((e) => e.timestamp < p.atMs));
  const profiles = profilesFromUsers(p.world.users);
  const deps = (bundle: ModelBundle): RecommendDeps => ({ catalog: p.world.catalog, bundles: { current: () => bundle }, profiles, listenerState: state });
  const n = p.listeners.length;
  const base = new Float64Array(n);
  const cur = new Float64Array(n);
  const back = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = p.listeners[i]!;
    base[i] = await pageAppeal(p, deps(p.baseline), u);
    cur[i] = await pageAppeal(p, deps(p.current), u);
    back[i] = p.returning.has(u) ? 1 : 0;
  }
  const mean = (x: Float64Array, idx: Int32Array, only: Uint8Array | null): number => {
    let s = 0;
    let k = 0;
    for (const i of idx) {
      if ((only !== null && only[i] !== 1) || !Number.isFinite(x[i]!)) continue;
      s += x[i]!;
      k++;
    }
    return k > 0 ? s / k : NaN;
  };
  const diff = cur.map((c, i) => c - base[i]!);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return {
    day: p.day,
    baseline: p.baseline.version,
    current: p.current.version,
    panel: n,
    returning: back.reduce((a, b) => a + b, 0),
    appealBaseline: mean(base, all, null),
    appealCurrent: mean(cur, all, null),
    learning: bootstrapInterval(n, (idx) => mean(diff, idx, null), DEFAULT_BOOTSTRAP),
    cohort: bootstrapInterval(n, (idx) => mean(base, idx, back) - mean(base, idx, null), DEFAULT_BOOTSTRAP),
  };
}
