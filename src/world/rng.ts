// Seeded PRNG for the world generator. Hand-written (sfc32, public domain, by Chris Doty-Humphrey) rather than a
// library because the generator draws ~10^9 numbers: the state lives in one preallocated Uint32Array, so a draw
// allocates nothing, and the same seed gives the same stream on every platform (only 32-bit integer ops).

/** Mixes a seed and up to three integers into a 32-bit hash (murmur3 finalizer), for per-entity derived streams. */
export function mixSeed(seed: number, a: number, b = 0, c = 0): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  const parts = [a, b, c];
  for (let i = 0; i < 3; i++) {
    let k = Math.imul(parts[i]! >>> 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private readonly s = new Uint32Array(4);
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the stream from a seed (reuses the state buffer: no allocation per entity). */
  reseed(seed: number): void {
    const s = this.s;
    s[0] = 0x9e3779b9;
    s[1] = 0x243f6a88;
    s[2] = 0xb7e15162;
    s[3] = seed >>> 0;
    this.hasSpare = false;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const s = this.s;
    const a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
    const t = (((a + b) >>> 0) + d) >>> 0;
    s[3] = (d + 1) >>> 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) >>> 0;
    const r = (c << 21) | (c >>> 11);
    s[2] = (r + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Marsaglia polar method; caches the second value). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, q: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const m = Math.sqrt((-2 * Math.log(q)) / q);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Pareto (power law) with minimum 1 and tail index alpha: P(X > x) = x^-alpha. */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }

  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Geometric number of failures before the first success, mean (1-p)/p. */
  geometric(p: number): number {
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }
}
