// A reusable open-addressing hash table from non-negative int keys (track, artist, genre ids) to a float64
// value, in two flat typed arrays. Feature hydration looks up ~10 per-request listener summaries for each of
// hundreds of candidates; a JavaScript Map or Set costs ~30 ns a lookup and allocates per entry, this ~5 ns
// and nothing after warm-up. Hand-written: the typed-array maps on npm are sized to the key universe
// (8.2M tracks: tens of MB per process) or box their keys.
const EMPTY = -1;

export class IntTable {
  private keys = new Int32Array(16).fill(EMPTY);
  private values = new Float64Array(16);
  private mask = 15;
  /** 32 - log2(capacity): the hash takes the product's top bits (its low bits only echo the key's). */
  private shift = 28;
  private used = 0;

  /** Empties the table, sized for about `expected` keys (load factor at most 1/2). */
  reset(expected = 8): void {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    if (cap > this.keys.length || this.keys.length > 4 * cap) {
      this.keys = new Int32Array(cap);
      this.values = new Float64Array(cap);
    }
    this.keys.fill(EMPTY);
    this.sized();
    this.used = 0;
  }

  get size(): number {
    return this.used;
  }

  /** The slot of `key`, or of the empty slot where it would go. */
  private slot(key: number): number {
    // Multiplicative (Fibonacci) hashing: ids that share low bits still spread over the table.
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    const keys = this.keys;
    while (keys[i] !== EMPTY && keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  has(key: number): boolean {
    return key >= 0 && this.keys[this.slot(key)] === key;
  }

  /** The value of `key`, or `absent` when it is not in the table. */
  get(key: number, absent = 0): number {
    if (key < 0) return absent;
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i]! : absent;
  }

  /** Adds `delta` to the value of `key` (0 when new); returns true when the key is new. */
  add(key: number, delta: number): boolean {
    const i = this.insert(key);
    if (i < 0) {
      this.values[~i] = delta;
      return true;
    }
    this.values[i]! += delta;
    return false;
  }

  /** Sets `key` to max(its value, `value`) (`value` when new). */
  max(key: number, value: number): void {
    const i = this.insert(key);
    if (i < 0) this.values[~i] = value;
    else if (value > this.values[i]!) this.values[i] = value;
  }

  /** Puts `key` in the table (value 0 when new); returns true when it was new. */
  put(key: number): boolean {
    return this.add(key, 0);
  }

  /** The slot of an existing key, or ~slot of the key just inserted. */
  private insert(key: number): number {
    if (key < 0) throw new RangeError(`IntTable keys are non-negative, got ${key}`);
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    const i = this.slot(key);
    if (this.keys[i] === key) return i;
    this.keys[i] = key;
    this.used++;
    return ~i;
  }

  private sized(): void {
    this.mask = this.keys.length - 1;
    this.shift = 32 - Math.log2(this.keys.length);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2).fill(EMPTY);
    this.values = new Float64Array(oldKeys.length * 2);
    this.sized();
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]!;
      if (k === EMPTY) continue;
      const i = this.slot(k);
      this.keys[i] = k;
      this.values[i] = oldValues[j]!;
    }
  }
}
