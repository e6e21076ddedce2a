// The re-ranker: turns candidates ordered by model score into the final list. Greedy by score under the
// rules (ArtistSpacing, AlbumSpread, DiscoveryQuota); one exploration slot drawn by a softmax policy.
import type { RerankConfig } from '../surfaces/SurfaceConfig.js';
import { AlbumSpread } from './AlbumSpread.js';
import { ArtistSpacing } from './ArtistSpacing.js';
import { DiscoveryQuota, discoveryTarget } from './DiscoveryQuota.js';
import { drawExploration } from './ExplorationSlot.js';
import type { RerankRule } from './RerankRule.js';

export interface RerankInput {
  /** Candidate tracks, best score first, and their scores (same order). */
  readonly tracks: Int32Array;
  readonly scores: Float32Array;
  readonly count: number;
  readonly limit: number;
  readonly artistOf: Int32Array;
  readonly albumOf: Int32Array;
  /** Artists the listener has played (history + online state); empty for a new listener. */
  readonly knownArtists: ReadonlySet<number>;
  readonly config: RerankConfig;
  /** false: plain top-`limit` by score, no rules, no exploration. */
  readonly diversity: boolean;
  /** false: the rules without the exploration slot. */
  readonly exploration: boolean;
  readonly random: () => number;
}

export interface RerankOutput {
  /** Positions into the input order, in final feed order. */
  readonly picks: Int32Array;
  readonly count: number;
  /** Feed position of the exploration item, or -1. */
  readonly explorationPosition: number;
  readonly propensity: number;
  /** The exploration policy at the slot: pool positions into the input order and their probabilities (empty without a slot). */
  readonly explorationPool: Int32Array;
  readonly explorationProbabilities: Float64Array;
  readonly discoveryTarget: number;
  readonly discoveryCount: number;
  /** Rules relaxed at some position because no candidate passed them (for the trace). */
  readonly relaxed: readonly string[];
}

const NO_POOL = new Int32Array(0);
const NO_PROBABILITIES = new Float64Array(0);

export function selectFeed(input: RerankInput): RerankOutput {
  const { tracks, count, limit, config } = input;
  const n = Math.min(count, config.window > 0 ? Math.max(config.window, limit) : count);
  if (!input.diversity) {
    const k = Math.min(limit, count);
    const picks = new Int32Array(k);
    for (let i = 0; i < k; i++) picks[i] = i;
    return { picks, count: k, explorationPosition: -1, propensity: 0, explorationPool: NO_POOL, explorationProbabilities: NO_PROBABILITIES, discoveryTarget: 0, discoveryCount: 0, relaxed: [] };
  }

  const target = discoveryTarget(config.discoveryShare, limit, tracks, n, input.artistOf, input.knownArtists, config.maxPerArtist);
  const discovery = new DiscoveryQuota(input.artistOf, input.knownArtists, target, limit);
  const rules: RerankRule[] = [new ArtistSpacing(input.artistOf, config.maxPerArtist), discovery, new AlbumSpread(input.albumOf)];
  const used = new Uint8Array(n);
  const picks = new Int32Array(limit);
  const share = config.explorationUniformShare ?? 0;
  const mix = share > 0 ? { share, softmaxCount: config.explorationPool } : null;
  const pool = new Int32Array(Math.max(1, config.explorationPool, mix ? (config.explorationWidePool ?? 0) : 0));
  const poolScores = new Float64Array(pool.length);
  const relaxed = new Set<string>();
  let picked = 0;
  let explorationPosition = -1;
  let propensity = 0;
  let explorationPool: Int32Array = NO_POOL;
  let explorationProbabilities: Float64Array = NO_PROBABILITIES;

  const passes = (i: number, position: number, hardOnly: boolean): boolean => {
    const t = tracks[i]!;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      if (hardOnly && rule.strength === 'soft') continue;
      if (!rule.allows(t, position)) return false;
    }
    return true;
  };

  for (let position = 0; position < limit; position++) {
    let choice = -1;
    const explore = input.exploration && position === config.explorationSlot && config.explorationPool > 1;
    for (let pass = 0; pass < 2 && choice < 0; pass++) {
      const hardOnly = pass === 1;
      if (explore) {
        let m = 0;
        for (let i = 0; i < n && m < pool.length; i++) {
          if (used[i] === 0 && passes(i, position, hardOnly)) {
            pool[m] = i;
            poolScores[m] = input.scores[i]!;
            m++;
          }
        }
        if (m > 0) {
          const drawn = drawExploration(poolScores, m, config.explorationTemperature, input.random, mix);
          choice = pool[drawn.index]!;
          explorationPosition = position;
          propensity = drawn.propensity;
          explorationPool = pool.slice(0, m);
          explorationProbabilities = drawn.probabilities;
        }
      } else {
        for (let i = 0; i < n; i++) {
          if (used[i] === 0 && passes(i, position, hardOnly)) {
            choice = i;
            break;
          }
        }
      }
      if (choice >= 0 && hardOnly) {
        for (const rule of rules) if (rule.strength === 'soft' && !rule.allows(tracks[choice]!, position)) relaxed.add(rule.name);
      }
    }
    if (choice < 0) break; // nothing satisfies the hard rules: a shorter list rather than a broken rule
    used[choice] = 1;
    picks[picked++] = choice;
    const t = tracks[choice]!;
    for (let r = 0; r < rules.length; r++) rules[r]!.commit(t, position);
  }
  return {
    picks: picks.subarray(0, picked),
    count: picked,
    explorationPosition,
    propensity,
    explorationPool,
    explorationProbabilities,
    discoveryTarget: target,
    discoveryCount: discovery.discoveryCount,
    relaxed: [...relaxed],
  };
}
