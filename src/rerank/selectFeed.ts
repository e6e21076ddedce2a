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

/** Diversity off: the first `limit` candidates as they are ordered. */
function plainTop(count: number, limit: number): RerankOutput {
  const k = Math.min(limit, count);
  const picks = new Int32Array(k);
  for (let i = 0; i < k; i++) picks[i] = i;
  return { picks, count: k, explorationPosition: -1, propensity: 0, explorationPool: NO_POOL, explorationProbabilities: NO_PROBABILITIES, discoveryTarget: 0, discoveryCount: 0, relaxed: [] };
}

/** The exploration slot's draw: the pool, the drawn candidate and its propensity. */
interface SlotDraw {
  readonly choice: number;
  readonly propensity: number;
  readonly pool: Int32Array;
  readonly probabilities: Float64Array;
}

/** The candidates still free, and which the rules allow at a position (the greedy pick and the slot's pool). */
class Eligibility {
  private readonly used: Uint8Array;
  private readonly pool: Int32Array;
  private readonly poolScores: Float64Array;
  private readonly mix: { share: number; softmaxCount: number } | null;

  constructor(
    private readonly input: RerankInput,
    private readonly n: number,
    readonly rules: readonly RerankRule[],
  ) {
    const config = input.config;
    const share = config.explorationUniformShare ?? 0;
    this.mix = share > 0 ? { share, softmaxCount: config.explorationPool } : null;
    this.used = new Uint8Array(n);
    this.pool = new Int32Array(Math.max(1, config.explorationPool, this.mix ? (config.explorationWidePool ?? 0) : 0));
    this.poolScores = new Float64Array(this.pool.length);
  }

  private passes(i: number, position: number, hardOnly: boolean): boolean {
    if (this.used[i] !== 0) return false;
    const t = this.input.tracks[i]!;
    for (let r = 0; r < this.rules.length; r++) {
      const rule = this.rules[r]!;
      if (hardOnly && rule.strength === 'soft') continue;
      if (!rule.allows(t, position)) return false;
    }
    return true;
  }

  /** The best free candidate the rules allow here, or -1. */
  bestAllowed(position: number, hardOnly: boolean): number {
    for (let i = 0; i < this.n; i++) if (this.passes(i, position, hardOnly)) return i;
    return -1;
  }

  /** A softmax draw (with the uniform mix) over the first free candidates the rules allow here, or null. */
  draw(position: number, hardOnly: boolean): SlotDraw | null {
    const { pool, poolScores } = this;
    let m = 0;
    for (let i = 0; i < this.n && m < pool.length; i++) {
      if (this.passes(i, position, hardOnly)) {
        pool[m] = i;
        poolScores[m] = this.input.scores[i]!;
        m++;
      }
    }
    if (m === 0) return null;
    const drawn = drawExploration(poolScores, m, this.input.config.explorationTemperature, this.input.random, this.mix);
    return { choice: pool[drawn.index]!, propensity: drawn.propensity, pool: pool.slice(0, m), probabilities: drawn.probabilities };
  }

  take(i: number, position: number): void {
    this.used[i] = 1;
    const t = this.input.tracks[i]!;
    for (let r = 0; r < this.rules.length; r++) this.rules[r]!.commit(t, position);
  }
}

export function selectFeed(input: RerankInput): RerankOutput {
  const { tracks, count, limit, config } = input;
  const n = Math.min(count, config.window > 0 ? Math.max(config.window, limit) : count);
  if (!input.diversity) return plainTop(count, limit);

  const target = discoveryTarget(config.discoveryShare, limit, tracks, n, input.artistOf, input.knownArtists, config.maxPerArtist);
  const discovery = new DiscoveryQuota(input.artistOf, input.knownArtists, target, limit);
  const eligible = new Eligibility(input, n, [new ArtistSpacing(input.artistOf, config.maxPerArtist), discovery, new AlbumSpread(input.albumOf)]);
  const picks = new Int32Array(limit);
  const relaxed = new Set<string>();
  let picked = 0;
  let slot: SlotDraw | null = null;
  let explorationPosition = -1;
  for (let position = 0; position < limit; position++) {
    let choice = -1;
    const explore = input.exploration && position === config.explorationSlot && config.explorationPool > 1;
    // First with every rule; if nothing passes, with the hard rules only (a soft rule relaxed, and said so).
    for (let pass = 0; pass < 2 && choice < 0; pass++) {
      const hardOnly = pass === 1;
      if (explore) {
        const d = eligible.draw(position, hardOnly);
        if (d) {
          slot = d;
          explorationPosition = position;
          choice = d.choice;
        }
      } else choice = eligible.bestAllowed(position, hardOnly);
      if (choice >= 0 && hardOnly) {
        for (const rule of eligible.rules) if (rule.strength === 'soft' && !rule.allows(tracks[choice]!, position)) relaxed.add(rule.name);
      }
    }
    if (choice < 0) break; // nothing satisfies the hard rules: a shorter list rather than a broken rule
    eligible.take(choice, position);
    picks[picked++] = choice;
  }
  return {
    picks: picks.subarray(0, picked),
    count: picked,
    explorationPosition,
    propensity: slot?.propensity ?? 0,
    explorationPool: slot?.pool ?? NO_POOL,
    explorationProbabilities: slot?.probabilities ?? NO_PROBABILITIES,
    discoveryTarget: target,
    discoveryCount: discovery.discoveryCount,
    relaxed: [...relaxed],
  };
}
