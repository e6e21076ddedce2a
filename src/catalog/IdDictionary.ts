// The id dictionary: the app's opaque string ids <-> dense indices (0..count-1), in flat typed arrays only.
//
// Written by hand because no npm library keeps millions of strings off the JS heap with an on-disk form: a Map of
// 8.2M strings costs ~80 bytes an entry of GC-scanned heap. Here an id costs its UTF-8 bytes + a 4-byte offset +
// 2–4 hash slots of 4 bytes (load factor ≤ 0.5), and no object. Lookup hashes the id's bytes (FNV-1a) into an
// open-addressing table with linear probing, then compares bytes: O(1), no allocation.
//
// On disk (docs/formats.md): `<name>.offsets` (uint32, count + 1), `<name>.utf8` (uint8), `<name>.hash` (int32 slots,
// a power of two, -1 = empty). A loaded dictionary is never copied: ids added while serving (PUT /v1/tracks) go to a
// small growable overlay whose indices continue after the loaded ones, so an append never stalls the event loop.
// Indices are only ever appended, never reused or renumbered.
import { Errors } from '../domain/errors.js';
import { MAX_ID_BYTES } from '../domain/ids.js';
import { writeColumn, type ColumnSource, type ColumnSpec } from '../world/format.js';

const EMPTY = -1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(bytes: Uint8Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h >>> 0;
}

function slotCountFor(n: number): number {
  let s = 16;
  while (s < 2 * n) s *= 2;
  return s;
}

/** One table of ids: either loaded from disk (fixed size) or growable (built in memory). */
class IdSegment {
  count: number;
  offsets: Uint32Array;
  blob: Buffer;
  slots: Int32Array;

  constructor(count: number, offsets: Uint32Array, blob: Buffer, slots: Int32Array) {
    this.count = count;
    this.offsets = offsets;
    this.blob = blob;
    this.slots = slots;
  }

  static empty(capacity = 16): IdSegment {
    return new IdSegment(0, new Uint32Array(capacity + 1), Buffer.allocUnsafe(capacity * 16), new Int32Array(slotCountFor(capacity)).fill(EMPTY));
  }

  get byteLength(): number {
    return this.offsets[this.count]!;
  }

  find(key: Uint8Array, len: number, h: number): number {
    const mask = this.slots.length - 1;
    const offsets = this.offsets;
    const blob = this.blob;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const i = this.slots[s]!;
      if (i === EMPTY) return EMPTY;
      const from = offsets[i]!;
      if (offsets[i + 1]! - from !== len) continue;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (blob[from + k] !== key[k]) {
          same = false;
          break;
        }
      }
      if (same) return i;
    }
  }

  /** Appends an id known to be absent; returns its local index. */
  append(key: Buffer, len: number, h: number): number {
    const i = this.count;
    if (i + 2 > this.offsets.length) this.offsets = growU32(this.offsets, this.offsets.length * 2);
    const end = this.offsets[i]! + len;
    if (end > 0xffffffff) throw Errors.formatMismatch('id dictionary', 'ids over 4 GiB');
    if (end > this.blob.length) {
      const bigger = Buffer.allocUnsafe(Math.max(end, this.blob.length * 2));
      this.blob.copy(bigger, 0, 0, this.offsets[i]!);
      this.blob = bigger;
    }
    key.copy(this.blob, this.offsets[i]!, 0, len);
    this.offsets[i + 1] = end;
    this.count = i + 1;
    if (2 * this.count > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(i, h);
    return i;
  }

  private place(i: number, h: number): void {
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
    this.slots[s] = i;
  }

  rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    for (let i = 0; i < this.count; i++) this.place(i, fnv1a(this.blob, this.offsets[i]!, this.offsets[i + 1]!));
  }
}

function growU32(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

/** Relative paths of a dictionary's three files. */
export const idDictionaryFiles = (name: string) => ({ offsets: `${name}.offsets`, utf8: `${name}.utf8`, hash: `${name}.hash` }) as const;

export class IdDictionary {
  /** Scratch for encoding a looked-up id (a 256-character string is at most 768 bytes of UTF-8). */
  private static readonly scratch = Buffer.allocUnsafe(1024);
  private overlay: IdSegment | null = null;

  /** `loaded`: the base came from disk and is never copied; additions go to the overlay. */
  private constructor(
    private readonly base: IdSegment,
    private readonly loaded: boolean,
  ) {}

  /** A new, growable dictionary (importers, generators, tests). */
  static create(capacity = 16): IdDictionary {
    return new IdDictionary(IdSegment.empty(capacity), false);
  }

  /** A dictionary of `ids` in order (index i = ids[i]); duplicates are an error. */
  static of(ids: Iterable<string>): IdDictionary {
    const d = IdDictionary.create();
    for (const id of ids) if (!d.add(id).isNew) throw Errors.badRequest(`duplicate id "${id}"`);
    return d;
  }

  /** Loads a dictionary written by save() from `src` (which checks sizes and checksums against the manifest). */
  static read(src: ColumnSource, name: string): IdDictionary {
    const f = idDictionaryFiles(name);
    const offsets = src.column(f.offsets, 'uint32');
    const bytes = src.column(f.utf8, 'uint8');
    const slots = src.column(f.hash, 'int32');
    return IdDictionary.fromArrays(offsets, bytes, slots, `${src.dir}/${name}`);
  }

  /** A dictionary over arrays read by the caller (the bundle loader reads and checksums them itself). */
  static fromArrays(offsets: Uint32Array, bytes: Uint8Array, slots: Int32Array, label: string): IdDictionary {
    const count = offsets.length - 1;
    if (count < 0 || offsets[0] !== 0 || offsets[count] !== bytes.length) throw Errors.formatMismatch(label, `id offsets do not match the ${bytes.length}-byte table`);
    if ((slots.length & (slots.length - 1)) !== 0 || slots.length < 2 * count) throw Errors.formatMismatch(label, `hash table of ${slots.length} slots for ${count} ids`);
    return new IdDictionary(new IdSegment(count, offsets, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), slots), true);
  }

  /** True when `files` lists this dictionary. */
  static isListed(name: string, files: Readonly<Record<string, ColumnSpec>>): boolean {
    return files[idDictionaryFiles(name).offsets] !== undefined;
  }

  get size(): number {
    return this.base.count + (this.overlay?.count ?? 0);
  }

  /** Bytes held by the flat arrays (for the benchmarks' memory-per-id figure). */
  get memoryBytes(): number {
    let b = 0;
    for (const s of [this.base, this.overlay]) if (s !== null) b += s.offsets.byteLength + s.blob.length + s.slots.byteLength;
    return b;
  }

  /** Dense index of `id`, or -1. */
  indexOf(id: string): number {
    if (id.length === 0 || id.length > MAX_ID_BYTES) return EMPTY;
    const key = IdDictionary.scratch;
    const len = key.write(id, 0, 'utf8');
    if (len > MAX_ID_BYTES) return EMPTY;
    const h = fnv1a(key, 0, len);
    const i = this.base.find(key, len, h);
    if (i !== EMPTY || this.overlay === null) return i;
    const j = this.overlay.find(key, len, h);
    return j === EMPTY ? EMPTY : this.base.count + j;
  }

  has(id: string): boolean {
    return this.indexOf(id) !== EMPTY;
  }

  /** The id at `index` ('' when out of range). */
  idAt(index: number): string {
    if (!(index >= 0 && index < this.size)) return '';
    let s = this.base;
    let i = index;
    if (i >= s.count) {
      i -= s.count;
      s = this.overlay!;
    }
    return s.blob.toString('utf8', s.offsets[i]!, s.offsets[i + 1]!);
  }

  /** The index of `id`, appending it when absent. The caller validates ids first (src/domain/ids.ts idProblem). */
  add(id: string): { readonly index: number; readonly isNew: boolean } {
    const key = IdDictionary.scratch;
    const len = key.write(id, 0, 'utf8');
    if (len === 0 || len > MAX_ID_BYTES) throw Errors.badRequest(`id of ${len} bytes (1 to ${MAX_ID_BYTES} allowed)`);
    const h = fnv1a(key, 0, len);
    const i = this.base.find(key, len, h);
    if (i !== EMPTY) return { index: i, isNew: false };
    if (!this.loaded) return { index: this.base.append(key, len, h), isNew: true };
    this.overlay ??= IdSegment.empty();
    const j = this.overlay.find(key, len, h);
    if (j !== EMPTY) return { index: this.base.count + j, isNew: false };
    return { index: this.base.count + this.overlay.append(key, len, h), isNew: true };
  }

  /** Writes the three files (overlay included: the saved dictionary is one table again) and lists them in `files`. */
  save(dir: string, name: string, files: Record<string, ColumnSpec>): void {
    const merged = this.overlay === null ? this.base : this.merged();
    const f = idDictionaryFiles(name);
    const slots = merged.slots.length === slotCountFor(merged.count) ? merged.slots : (merged.rehash(slotCountFor(merged.count)), merged.slots);
    writeColumn(dir, f.offsets, merged.offsets.subarray(0, merged.count + 1), files);
    writeColumn(dir, f.utf8, new Uint8Array(merged.blob.buffer, merged.blob.byteOffset, merged.byteLength), files);
    writeColumn(dir, f.hash, slots, files);
  }

  private merged(): IdSegment {
    const m = IdSegment.empty(this.size);
    for (let i = 0; i < this.size; i++) {
      const key = Buffer.from(this.idAt(i), 'utf8');
      m.append(key, key.length, fnv1a(key, 0, key.length));
    }
    return m;
  }
}
