// Prefix search over display names (track titles, artist names) without a JS string per entry.
//
// Written by hand: a search engine (Lucene-style libraries, SQLite FTS) would copy 8.2M titles into its own store
// and index; what the API needs is "names starting with q", which a sorted permutation answers. Each entry gets an
// 8-byte key (its first 8 bytes of UTF-8, ASCII letters lower-cased) as two uint32 words, read straight from the
// catalog's string table; the entries are sorted by that key with an LSD radix sort over 16-bit digits (linear
// time). A query binary-searches the key range of its first 8 bytes, then checks the full prefix entry by entry, so
// a query beyond 8 bytes reads only the entries that share those bytes. The build yields to the event loop between
// chunks, so a serving process can build it in the background.
import type { NameSource } from './Catalog.js';

const KEY_BYTES = 8;
const CHUNK = 1 << 18;
const EMPTY = new Uint8Array(0);

function lowerByte(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The names an index covers: a flat UTF-8 table, names changed since it was written, and the total count. */
class Names {
  private readonly tableCount: number;
  constructor(
    private readonly source: NameSource,
    readonly size: number,
  ) {
    this.tableCount = Math.max(0, source.table.offsets.length - 1);
  }

  /** [blob, from, to] of name i (changed names are encoded on demand: they are few). */
  span(i: number): [Uint8Array, number, number] {
    const changed = this.source.changed.size > 0 ? this.source.changed.get(i) : undefined;
    if (changed !== undefined) {
      const b = Buffer.from(changed, 'utf8');
      return [b, 0, b.length];
    }
    if (i >= this.tableCount) return [EMPTY, 0, 0];
    const o = this.source.table.offsets;
    return [this.source.table.blob, o[i]!, o[i + 1]!];
  }
}

export class PrefixSearch {
  private constructor(
    private readonly names: Names,
    private readonly order: Uint32Array,
    private readonly hi: Uint32Array,
    private readonly lo: Uint32Array,
  ) {}

  get size(): number {
    return this.names.size;
  }

  /** Builds the index over names 0..size-1, a chunk per event-loop turn. */
  static async build(source: NameSource, size: number): Promise<PrefixSearch> {
    const names = new Names(source, size);
    const hi = new Uint32Array(size);
    const lo = new Uint32Array(size);
    for (let from = 0; from < size; from += CHUNK) {
      const to = Math.min(size, from + CHUNK);
      for (let i = from; i < to; i++) {
        const [b, s, e] = names.span(i);
        let h = 0;
        let l = 0;
        for (let k = 0; k < KEY_BYTES; k++) {
          const v = s + k < e ? lowerByte(b[s + k]!) : 0;
          if (k < 4) h = (h << 8) | v;
          else l = (l << 8) | v;
        }
        hi[i] = h >>> 0;
        lo[i] = l >>> 0;
      }
      await nextTurn();
    }
    const order = await radixSort(hi, lo);
    // keys in sorted order, reusing the arrays
    const sortedHi = new Uint32Array(size);
    for (let r = 0; r < size; r++) sortedHi[r] = hi[order[r]!]!;
    for (let r = 0; r < size; r++) hi[r] = lo[order[r]!]!;
    const index = new PrefixSearch(names, order, sortedHi, hi);
    await index.sortTies();
    return index;
  }

  /** Orders the entries that share an 8-byte key by their full names, so that every prefix is one contiguous range. */
  private async sortTies(): Promise<void> {
    const cmp = (a: number, b: number): number => this.compareNames(a, b);
    let work = 0;
    for (let r = 0; r < this.size; ) {
      let e = r + 1;
      while (e < this.size && this.hi[e] === this.hi[r] && this.lo[e] === this.lo[r]) e++;
      if (e - r > 1) {
        this.order.subarray(r, e).sort(cmp);
        work += e - r;
      }
      r = e;
      if (work >= CHUNK) {
        work = 0;
        await nextTurn();
      }
    }
  }

  /** Lower-cased byte order of names a and b (from byte KEY_BYTES on: the keys are equal). */
  private compareNames(a: number, b: number): number {
    const [x, xs, xe] = this.names.span(a);
    const [y, ys, ye] = this.names.span(b);
    const n = Math.min(xe - xs, ye - ys);
    for (let k = KEY_BYTES; k < n; k++) {
      const d = lowerByte(x[xs + k]!) - lowerByte(y[ys + k]!);
      if (d !== 0) return d;
    }
    return xe - xs - (ye - ys) || a - b;
  }

  /** Sign of (name at row r, cut to q's length) − q, in lower-cased byte order. */
  private compareRow(r: number, q: Uint8Array): number {
    const [b, s, e] = this.names.span(this.order[r]!);
    const n = Math.min(e - s, q.length);
    for (let k = 0; k < n; k++) {
      const d = lowerByte(b[s + k]!) - q[k]!;
      if (d !== 0) return d;
    }
    return e - s < q.length ? -1 : 0;
  }

  /** Entries whose name starts with `query` (case-insensitive for ASCII letters), in name order, at most `limit`. */
  find(query: string, limit: number, accept: (i: number) => boolean = () => true): number[] {
    const q = Buffer.from(query, 'utf8');
    for (let k = 0; k < q.length; k++) q[k] = lowerByte(q[k]!);
    const n = Math.min(q.length, KEY_BYTES);
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
    let r = this.lowerBound(lowH, lowL);
    if (q.length > KEY_BYTES) {
      // the whole order is by lower-cased full name (key, then ties sorted): binary search for the first name >= q
      let b = this.size;
      while (r < b) {
        const m = (r + b) >>> 1;
        if (this.compareRow(m, q) < 0) r = m + 1;
        else b = m;
      }
    }
    for (; r < this.size && out.length < limit; r++) {
      if (!this.sharesKeyPrefix(r, lowH, lowL, n)) break;
      const i = this.order[r]!;
      if (q.length > KEY_BYTES && !this.startsWith(i, q)) break;
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

  /**
   * Entries 0..size-1 whose name starts with `query` (the same match as find()), in entry order, at most `limit`,
   * by one pass over the names without an index: what answers while the index is still being built (about 50 ms
   * over 8.2M titles, against tens of seconds of build).
   */
  static scan(source: NameSource, size: number, query: string, limit: number, accept: (i: number) => boolean = () => true): number[] {
    const q = Buffer.from(query, 'utf8');
    for (let k = 0; k < q.length; k++) q[k] = lowerByte(q[k]!);
    const { offsets, blob } = source.table;
    const tableCount = Math.max(0, offsets.length - 1);
    const out: number[] = [];
    const changed = source.changed;
    for (let i = 0; i < size && out.length < limit; i++) {
      const renamed = changed.size > 0 ? changed.get(i) : undefined;
      if (renamed === undefined && i >= tableCount) continue;
      const b = renamed === undefined ? blob : Buffer.from(renamed, 'utf8');
      const st = renamed === undefined ? offsets[i]! : 0;
      const len = renamed === undefined ? offsets[i + 1]! - st : b.length;
      let match = len >= q.length;
      for (let k = 0; match && k < q.length; k++) if (lowerByte(b[st + k]!) !== q[k]) match = false;
      if (match && accept(i)) out.push(i);
    }
    return out;
  }

  private startsWith(i: number, q: Uint8Array): boolean {
    const [b, s, e] = this.names.span(i);
    if (e - s < q.length) return false;
    for (let k = 0; k < q.length; k++) if (lowerByte(b[s + k]!) !== q[k]) return false;
    return true;
  }
}

/** Indices sorted by (hi, lo) unsigned: four stable counting passes over 16-bit digits, least significant first. */
async function radixSort(hi: Uint32Array, lo: Uint32Array): Promise<Uint32Array> {
  const n = hi.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const [words, shift] of [[lo, 0], [lo, 16], [hi, 0], [hi, 16]] as const) {
    count.fill(0);
    for (let r = 0; r < n; r++) count[((words[order[r]!]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let from = 0; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      for (let r = from; r < to; r++) {
        const i = order[r]!;
        tmp[count[(words[i]! >>> shift) & 0xffff]!++] = i;
      }
      await nextTurn();
    }
    [order, tmp] = [tmp, order];
  }
  return order;
}
