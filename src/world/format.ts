// On-disk world format (documented in docs/formats.md): a directory with manifest.json and one little-endian
// binary file per column, each listed in the manifest with its size and sha256. Writers are here; readers
// (which check sizes and checksums) are in columnReader.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Genre } from '../catalog/Catalog.js';
import { Errors } from '../domain/errors.js';
import { HashingFileWriter } from './HashingFileWriter.js';

export const WORLD_FORMAT = 'encore-world';
/** 2: id dictionaries (ids/), availability sets instead of a 16-market bitmask, any market list. */
export const WORLD_FORMAT_VERSION = 2;
export const TRUTH_FORMAT = 'encore-truth';
export const TRUTH_FORMAT_VERSION = 1;

export type DType = 'int32' | 'uint32' | 'uint16' | 'int16' | 'uint8' | 'float32' | 'float64';
export interface ColumnSpec {
  readonly dtype: DType;
  readonly length: number;
  /** The file's size in bytes (= length × size of dtype). Absent only in worlds written before checksums. */
  readonly bytes?: number;
  /** sha256 of the file's bytes, hex. Absent only in worlds written before checksums (see docs/formats.md). */
  readonly sha256?: string;
}

/** Where a loader gets a manifest's columns from: files read on demand, or files already read and checked. */
export interface ColumnSource {
  readonly dir: string;
  readonly files: Readonly<Record<string, ColumnSpec>>;
  /** Column `rel` as a fresh typed array; its size (and checksum, unless verifying sizes only) already checked. */
  column<D extends DType>(rel: string, dtype: D): ArrayOf<D>;
}

export interface WorldManifest {
  readonly format: typeof WORLD_FORMAT;
  readonly version: number;
  /** 'synthetic' (encore world) or 'delimited' / 'movielens' (encore import). */
  readonly source: string;
  readonly seed: number | null;
  /** The world's fixed "now" (ms since epoch): history ends before it. Not the wall clock. */
  readonly nowMs: number;
  readonly counts: {
    readonly tracks: number;
    readonly artists: number;
    readonly albums: number;
    readonly users: number;
    readonly events: number;
    readonly plays: number;
    readonly sessions: number;
  };
  readonly markets: readonly string[];
  readonly genres: readonly Genre[];
  readonly featureNames: readonly string[];
  /** Relative path -> column spec, for every binary file in the world (truth/ has its own manifest). */
  readonly files: Readonly<Record<string, ColumnSpec>>;
}

export type TypedArray = Int32Array | Uint32Array | Uint16Array | Int16Array | Uint8Array | Float32Array | Float64Array;

export const CTORS = {
  int32: Int32Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint8: Uint8Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;
type CtorMap = typeof CTORS;
export type ArrayOf<D extends DType> = InstanceType<CtorMap[D]>;

/** The byte size of `length` values of `dtype`. */
export function byteSize(dtype: DType, length: number): number {
  return length * CTORS[dtype].BYTES_PER_ELEMENT;
}

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

export function assertLittleEndian(): void {
  if (os.endianness() !== 'LE') throw Errors.formatMismatch('world', 'the binary format is little-endian; this machine is big-endian');
}

/** Writes a typed array as one little-endian column file and records it (size and sha256) in `files`. */
export function writeColumn(dir: string, rel: string, a: TypedArray, files: Record<string, ColumnSpec>): void {
  assertLittleEndian();
  const w = new HashingFileWriter(path.join(dir, rel));
  try {
    w.write(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  } catch (e) {
    w.abandon();
    throw e;
  }
  files[rel] = { dtype: dtypeOf(a), length: a.length, ...w.close() };
}

/**
 * Streams a column to disk in fixed-size chunks so that the generator never holds a whole large column
 * (e.g. 30M events) in memory. Values are pushed one at a time into a preallocated buffer.
 */
export class ColumnStream<D extends DType> {
  readonly buf: ArrayOf<D>;
  private fill = 0;
  private total = 0;
  private readonly out: HashingFileWriter;

  constructor(
    dir: string,
    private readonly rel: string,
    private readonly dtype: D,
    chunk = 1 << 20,
  ) {
    assertLittleEndian();
    this.out = new HashingFileWriter(path.join(dir, rel));
    this.buf = new CTORS[dtype](chunk) as ArrayOf<D>;
  }

  push(v: number): void {
    this.buf[this.fill++] = v;
    if (this.fill === this.buf.length) this.flush();
  }

  get length(): number {
    return this.total + this.fill;
  }

  private flush(): void {
    if (this.fill === 0) return;
    const b = this.buf;
    this.out.write(new Uint8Array(b.buffer, b.byteOffset, this.fill * b.BYTES_PER_ELEMENT));
    this.total += this.fill;
    this.fill = 0;
  }

  close(files: Record<string, ColumnSpec>): void {
    this.flush();
    files[this.rel] = { dtype: this.dtype, length: this.total, ...this.out.close() };
  }
}

/**
 * A UTF-8 string table written as `<name>.offsets` (uint32, count + 1 entries; string i is bytes
 * [offsets[i], offsets[i+1]) of the blob) and `<name>.utf8`. Strings are appended as bytes, never as JS strings,
 * so 8.2M titles cost no heap objects.
 */
export class StringTableWriter {
  private readonly offsets: Uint32Array;
  private readonly blob: ColumnStream<'uint8'>;
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    capacity: number,
  ) {
    this.offsets = new Uint32Array(capacity + 1);
    this.blob = new ColumnStream(dir, `${name}.utf8`, 'uint8', 1 << 22);
  }

  /** Appends bytes to the current string. */
  appendBytes(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) this.blob.push(b[i]!);
    this.bytes += b.length;
  }

  appendString(s: string): void {
    this.appendBytes(Buffer.from(s, 'utf8'));
  }

  /** Ends the current string. */
  end(): void {
    if (this.bytes > 0xffffffff) throw Errors.formatMismatch(this.name, 'string table over 4 GiB');
    this.offsets[++this.count] = this.bytes;
  }

  close(files: Record<string, ColumnSpec>): void {
    this.blob.close(files);
    writeColumn(this.dir, `${this.name}.offsets`, this.offsets.subarray(0, this.count + 1), files);
  }
}

/** A loaded string table: decodes string i on demand (no JS string per entry until asked). */
export class StringTable {
  constructor(
    readonly offsets: Uint32Array,
    readonly blob: Buffer,
  ) {}

  static read(src: ColumnSource, name: string): StringTable {
    const offsets = src.column(`${name}.offsets`, 'uint32');
    const bytes = src.column(`${name}.utf8`, 'uint8');
    const last = offsets.length > 0 ? offsets[offsets.length - 1]! : 0;
    if (last !== bytes.length) throw Errors.formatMismatch(path.join(src.dir, name), `offsets end at ${last}, blob has ${bytes.length} bytes`);
    return new StringTable(offsets, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  get count(): number {
    return Math.max(0, this.offsets.length - 1);
  }

  /** String i's UTF-8 bytes (a view into the table). */
  bytes(i: number): Uint8Array {
    if (!(i >= 0 && i < this.offsets.length - 1)) return new Uint8Array(0);
    return this.blob.subarray(this.offsets[i]!, this.offsets[i + 1]!);
  }

  get(i: number): string {
    if (!(i >= 0 && i < this.offsets.length - 1)) return '';
    return this.blob.toString('utf8', this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** All strings as a JS array (only for small tables such as imported ids). */
  toArray(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < out.length; i++) out[i] = this.get(i);
    return out;
  }
}

export function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export function readManifest<T extends { format: string; version: number }>(file: string, format: string, version: number): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw Errors.formatMismatch(file, `cannot read: ${(e as Error).message}`);
  }
  let m: T;
  try {
    m = JSON.parse(text) as T;
  } catch (e) {
    throw Errors.formatMismatch(file, `invalid JSON: ${(e as Error).message}`);
  }
  if (m.format !== format) throw Errors.formatMismatch(file, `format "${String(m.format)}", expected "${format}"`);
  if (m.version !== version) throw Errors.formatMismatch(file, `format version ${String(m.version)}, this build reads version ${version}`);
  return m;
}
