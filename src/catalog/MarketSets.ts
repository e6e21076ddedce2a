// Where a track may be played. Markets are ISO 3166-1 alpha-2 codes, as many as the data uses (up to 256: there are
// 249 codes). Each track points at one availability set (catalog column `marketSet`, uint32); the sets are few
// (licences follow labels and territories, so tracks share them), each a 256-bit mask in 8 uint32 words. Set 0 is
// "everywhere": available in every market, including markets that appear later. A per-track bitmask of 256 markets
// would cost 32 bytes a track (262 MB at 8.2M tracks); a set id costs 4.
import { Errors } from '../domain/errors.js';

export const MAX_MARKETS = 256;
export const MARKET_SET_WORDS = MAX_MARKETS / 32;
/** The availability set "every market, present and future". */
export const EVERYWHERE = 0;
export const MARKET_CODE_PATTERN = '^[A-Z]{2}$';

export class MarketSets {
  private bits: Uint32Array;
  private n: number;
  private readonly byKey = new Map<string, number>();

  /** `bits`: sets x 8 words as stored on disk; set 0 must be all ones. */
  constructor(bits: Uint32Array) {
    if (bits.length === 0 || bits.length % MARKET_SET_WORDS !== 0) throw Errors.formatMismatch('catalog/marketSets.bin', `${bits.length} words is not a whole number of sets`);
    for (let w = 0; w < MARKET_SET_WORDS; w++) if (bits[w] !== 0xffffffff) throw Errors.formatMismatch('catalog/marketSets.bin', 'set 0 must be "everywhere"');
    this.bits = bits;
    this.n = bits.length / MARKET_SET_WORDS;
    for (let s = 0; s < this.n; s++) this.byKey.set(this.key(bits.subarray(s * MARKET_SET_WORDS, (s + 1) * MARKET_SET_WORDS)), s);
  }

  static everywhereOnly(): MarketSets {
    return new MarketSets(new Uint32Array(MARKET_SET_WORDS).fill(0xffffffff));
  }

  get count(): number {
    return this.n;
  }

  /** The stored form (sets x 8 words). */
  get words(): Uint32Array {
    return this.bits.subarray(0, this.n * MARKET_SET_WORDS);
  }

  /** True when tracks in `set` may be played in market `m` (an index into the catalog's market list). */
  has(set: number, m: number): boolean {
    return ((this.bits[set * MARKET_SET_WORDS + (m >>> 5)]! >>> (m & 31)) & 1) === 1;
  }

  isEverywhere(set: number): boolean {
    return set === EVERYWHERE;
  }

  /** Market indices of a set (for display; "everywhere" lists the first `marketCount`). */
  members(set: number, marketCount: number): number[] {
    const out: number[] = [];
    for (let m = 0; m < marketCount; m++) if (this.has(set, m)) out.push(m);
    return out;
  }

  /** The set of exactly these market indices (created when new). */
  intern(markets: Iterable<number>): number {
    const w = new Uint32Array(MARKET_SET_WORDS);
    for (const m of markets) {
      if (!(Number.isInteger(m) && m >= 0 && m < MAX_MARKETS)) throw Errors.badRequest(`market index ${m} out of range`);
      w[m >>> 5]! |= 1 << (m & 31);
    }
    const key = this.key(w);
    const known = this.byKey.get(key);
    if (known !== undefined && known !== EVERYWHERE) return known;
    if ((this.n + 1) * MARKET_SET_WORDS > this.bits.length) {
      const bigger = new Uint32Array(Math.max(this.bits.length * 2, (this.n + 1) * MARKET_SET_WORDS));
      bigger.set(this.bits);
      this.bits = bigger;
    }
    this.bits.set(w, this.n * MARKET_SET_WORDS);
    this.byKey.set(key, this.n);
    return this.n++;
  }

  private key(w: Uint32Array): string {
    return Array.from(w, (x) => x.toString(16)).join(',');
  }
}
