// Prefix search over display names (track titles, artist names) without a JS string per entry.
//
// Written by hand: a search engine (Lucene-style libraries, SQLite FTS) would copy 8.2M titles into its own store
// and index; what the API needs is "names starting with q", which a sorted permutation answers. Each entry gets an
// 8-byte key (its first 8 bytes of UTF-8, ASCII letters lower-cased) as two uint32 words; the entries are sorted by
// that key with a two-pass LSD radix sort over 16-bit digits (linear time: ~1 s at 8.2M). A query binary-searches
// the key range of its first 8 bytes, then checks the full prefix entry by entry. Names with the same first 8 bytes
// are scanned in key order, so a query beyond 8 bytes reads at most the entries that share those bytes.
const KEY_BYTES = 8;

function lowerByte(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

export class PrefixSearch {
  private readonly order: Uint32Array;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;

  /** `name(i)` gives entry i's UTF-8 bytes (a view; not kept). */
  constructor(
    readonly size: number,
    private readonly bytesOf: (i: number) => Uint8Array,
  ) {
    const hi = new Uint32Array(size);
    const lo = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      const b = bytesOf(i);
      let h = 0;
      let l = 0;
      for (let k = 0; k < KEY_BYTES; k++) {
        const v = k < b.length ? lowerByte(b[k]!) : 0;
        if (k < 4) h = (h << 8) | v;
        else l = (l << 8) | v;
      }
      hi[i] = h >>> 0;
      lo[i] = l >>> 0;
    }
    this.order = radixSort(hi, lo);
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    for (let r = 0; r < size; r++) {
      this.hi[r] = hi[this.order[r]!]!;
      this.lo[r] = lo[this.order[r]!]!;
    }
  }

  /** Entries whose name starts with `query` (case-insensitive for ASCII letters), in name order, at most `limit`. */
  find(query: string, limit: number, accept: (i: number) => boolean = () => true): number[] {
    const q = Buffer.from(query, 'utf8');
    for (let k = 0; k < q.length; k++) q[k] = lowerByte(q[k]!);
    const n = Math.min(q.length, KEY_BYTES);
    // key range [from, to) of entries whose first n bytes equal the query's
    let h = 0;
    let l = 0;
    for (let k = 0; k < KEY_BYTES; k++) {
      const v = k < n ? q[k]! : 0;
      if (k < 4) h = (h << 8) | v;
      else l = (l << 8) | v;
    }
    const lowH = h >>> 0;
    const lowL = l >>> 0;
    const out: number[] = [];
    for (let r = this.lowerBound(lowH, lowL); r < this.size && out.length < limit; r++) {
      if (!this.sharesKeyPrefix(r, lowH, lowL, n)) break;
      const i = this.order[r]!;
      if (q.length > KEY_BYTES && !this.startsWith(i, q)) continue;
      if (accept(i)) out.push(i);
    }
    return out;
  }

  private lowerBound(h: number, l: number): number {
    let a = 0;
    let b = this.size;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (this.hi[m]! < h || (this.hi[m] === h && this.lo[m]! < l)) a = m + 1;
      else b = m;
    }
    return a;
  }

  /** True when row r's key has the same first n bytes as (h, l). */
  private sharesKeyPrefix(r: number, h: number, l: number, n: number): boolean {
    if (n >= 4) {
      if (this.hi[r] !== h) return false;
      if (n === 4) return true;
      const shift = (KEY_BYTES - n) * 8;
      return this.lo[r]! >>> shift === l >>> shift;
    }
    const shift = (4 - n) * 8;
    return n === 0 || this.hi[r]! >>> shift === h >>> shift;
  }

  private startsWith(i: number, q: Uint8Array): boolean {
    const b = this.bytesOf(i);
    if (b.length < q.length) return false;
    for (let k = 0; k < q.length; k++) if (lowerByte(b[k]!) !== q[k]) return false;
    return true;
  }
}

/** Indices sorted by (hi, lo) unsigned: four stable counting passes over 16-bit digits, least significant first. */
function radixSort(hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = hi.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const [words, shift] of [[lo, 0], [lo, 16], [hi, 0], [hi, 16]] as const) {
    count.fill(0);
    for (let r = 0; r < n; r++) count[((words[order[r]!]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      tmp[count[(words[i]! >>> shift) & 0xffff]!++] = i;
    }
    [order, tmp] = [tmp, order];
  }
  return order;
}
