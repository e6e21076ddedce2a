// Market shares of listeners and artists, and per-market licensing-hole rates of the synthetic world.
import { MARKETS } from '../domain/markets.js';

// Order follows MARKETS: US GB DE FR SE BR MX JP IN ES IT NL PL CA AU KR
export const LISTENER_SHARE = [0.24, 0.08, 0.08, 0.06, 0.03, 0.08, 0.06, 0.07, 0.08, 0.04, 0.04, 0.02, 0.03, 0.03, 0.03, 0.03];
export const ARTIST_SHARE = [0.3, 0.1, 0.07, 0.06, 0.05, 0.06, 0.04, 0.06, 0.06, 0.03, 0.03, 0.03, 0.03, 0.03, 0.02, 0.03];
/** Share of worldwide releases licensed in every market. */
export const CLEAN_WORLDWIDE_RATE = 0.6;
/** Otherwise, probability that the release is missing in a market (licensing hole); JP/KR/IN are more local. */
export const HOLE_RATE = [0.05, 0.08, 0.1, 0.1, 0.09, 0.15, 0.14, 0.3, 0.32, 0.12, 0.12, 0.09, 0.15, 0.09, 0.1, 0.3];
/** Probability that an album is released only in (and around) its artist's home market. */
export const LOCAL_ONLY_RATE = [0.02, 0.03, 0.05, 0.05, 0.04, 0.1, 0.08, 0.3, 0.3, 0.05, 0.06, 0.04, 0.08, 0.03, 0.03, 0.25];
export const MARKET_COUNT = MARKETS.length;
export const ALL_MARKETS_MASK = (1 << MARKET_COUNT) - 1;

export function cumulative(shares: readonly number[]): Float64Array {
  const out = new Float64Array(shares.length);
  let acc = 0;
  for (let i = 0; i < shares.length; i++) out[i] = acc += shares[i]!;
  for (let i = 0; i < shares.length; i++) out[i]! /= acc;
  return out;
}
