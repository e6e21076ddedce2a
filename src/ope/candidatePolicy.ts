// The candidate bundle's exploration-slot policy at each logged impression, by Monte Carlo: the candidate's feed
// pipeline (recommend(), in process) runs `draws` times for the listener at the impression's time with different
// exploration seeds; the share of draws whose exploration slot holds the logged track is an unbiased estimate of
// the candidate's probability of that action (IPS and DR are linear in it, so they stay unbiased), and the mean
// reward-model value of the drawn tracks estimates the model's expectation under the candidate.
// Assumption (docs/simulator.md, "Off-policy evaluation"): the context is the listener's trained history in the
// candidate bundle; the online session state at the impression (skips a minute earlier) is not replayed.
import type { Catalog } from '../catalog/Catalog.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import type { UserProfiles } from '../pipeline/UserProfiles.js';
import { recommend, type RecommendDeps } from '../pipeline/recommend.js';
import { trackIndexOf } from '../eval/report/listenerIds.js';
import type { LoggedImpression } from './loggedImpressions.js';
import type { LoggedRecord } from './estimators.js';

export interface CandidateOptions {
  readonly draws: number;
  readonly limit: number;
}

export async function candidateRecords(
  catalog: Catalog,
  profiles: UserProfiles,
  bundle: ModelBundle,
  q: Float64Array,
  logged: readonly LoggedImpression[],
  opts: CandidateOptions,
): Promise<LoggedRecord[]> {
  const deps: RecommendDeps = { catalog, bundles: { current: () => bundle }, profiles, listenerState: null };
  const out: LoggedRecord[] = [];
  for (let i = 0; i < logged.length; i++) {
    const imp = logged[i]!;
    let hits = 0;
    let qSum = 0;
    let drawn = 0;
    for (let d = 0; d < opts.draws; d++) {
      const feed = await recommend(deps, { userId: imp.userId, surface: imp.surface, limit: opts.limit, nowMs: imp.timestamp, requestId: `ope-${i}-${d}`, explorationSeed: (i * 7919 + d * 104729 + 1) >>> 0 });
      const ex = feed.items.find((it) => it.exploration === true);
      if (!ex) continue;
      drawn++;
      if (ex.trackId === imp.trackId) hits++;
      const t = trackIndexOf(catalog, ex.trackId);
      qSum += t !== null && t < q.length ? q[t]! : 0;
    }
    const lt = trackIndexOf(catalog, imp.trackId);
    out.push({
      propensity: imp.propensity,
      reward: imp.reward,
      targetProbability: hits / opts.draws,
      qLogged: lt !== null && lt < q.length ? q[lt]! : 0,
      qTarget: drawn > 0 ? qSum / drawn : 0,
    });
  }
  return out;
}
