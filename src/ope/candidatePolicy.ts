// The candidate bundle's exploration-slot policy at each logged impression, exactly: the candidate's feed pipeline
// (recommend(), in process) runs once in the impression's context and returns the slot's whole softmax policy
// (withExplorationPolicy), so the probability of the logged track is read, not sampled; qTarget is the reward
// model's expectation under that policy. The context is rebuilt as the service had it: the listener's online
// state is the fold of the listener's logged events before the impression (MemoryListenerState applies them as
// POST /v1/events did), the clock is the impression's timestamp (the simulator sends it as ?at=), the limit is
// the logged feed's size. A replay of the logging bundle itself therefore gives back the logged propensities
// (the bench checks it: "replay fidelity").
import type { Catalog } from '../catalog/Catalog.js';
import type { ListenEvent } from '../domain/events.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import type { UserProfiles } from '../pipeline/UserProfiles.js';
import { recommend, type RecommendDeps } from '../pipeline/recommend.js';
import { MemoryListenerState } from '../storage/MemoryListenerState.js';
import { trackIndexOf } from '../eval/report/listenerIds.js';
import type { LoggedImpression } from './loggedImpressions.js';
import type { LoggedRecord } from './estimators.js';

/** Online state of `userId` just before `atMs`: a fresh store with the listener's earlier events applied. */
async function stateBefore(byUser: ReadonlyMap<string, readonly ListenEvent[]>, userId: string, atMs: number): Promise<MemoryListenerState> {
  const store = new MemoryListenerState();
  const before = (byUser.get(userId) ?? []).filter((e) => e.timestamp < atMs);
  if (before.length > 0) await store.apply(before);
  return store;
}

export async function candidateRecords(
  catalog: Catalog,
  profiles: UserProfiles,
  bundle: ModelBundle,
  q: Float64Array,
  logged: readonly LoggedImpression[],
  byUser: ReadonlyMap<string, readonly ListenEvent[]>,
): Promise<LoggedRecord[]> {
  const qOf = (id: string): number => {
    const t = trackIndexOf(catalog, id);
    return t !== null && t < q.length ? q[t]! : 0;
  };
  const out: LoggedRecord[] = [];
  for (let i = 0; i < logged.length; i++) {
    const imp = logged[i]!;
    const deps: RecommendDeps = { catalog, bundles: { current: () => bundle }, profiles, listenerState: await stateBefore(byUser, imp.userId, imp.timestamp) };
    const feed = await recommend(deps, { userId: imp.userId, surface: imp.surface, limit: imp.feedSize, nowMs: imp.timestamp, requestId: `ope-${i}`, explorationSeed: i + 1, withExplorationPolicy: true });
    const policy = feed.explorationPolicy;
    let target = 0;
    let qTarget = 0;
    if (policy) {
      for (let j = 0; j < policy.trackIds.length; j++) {
        const p = policy.probabilities[j]!;
        if (policy.trackIds[j] === imp.trackId) target += p;
        qTarget += p * qOf(policy.trackIds[j]!);
      }
    }
    out.push({ propensity: imp.propensity, reward: imp.reward, targetProbability: target, qLogged: qOf(imp.trackId), qTarget });
  }
  return out;
}
