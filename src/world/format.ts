// On-disk world format (documented in docs/formats.md): a directory with manifest.json and one little-endian
// binary file per column. Node has no mmap, so readers fs.readSync each file straight into a preallocated typed array.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Genre } from '../catalog/Catalog.js';
import { Errors } from '../domain/errors.js';

export const WORLD_FORMAT = 'encore-world';
/** 2: id dictionaries (ids/), availability sets instead of a 16-market bitmask, any market list. */
export const WORLD_FORMAT_VERSION = 2;
export const TRUTH_FORMAT = 'encore-truth';
export const TRUTH_FORMAT_VERSION = 1;

export type DType = 'int32' | 'uint32' | 'uint16' | 'int16' | 'uint8' | 'float32' | 'float64';
export interface ColumnSpec {
  readonly dtype: DType;
  readonly length: number;
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

const CTORS = {
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

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

function assertLittleEndian(): void {
  if (os.endianness() !== 'LE') throw Errors.formatMismatch('world', 'the binary format is little-endian; this machine is big-endian');
}

const CHUNK = 1 << 26; // write at most 64 MiB per writeSync call

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) {
    const n = fs.writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
    off += n;
  }
}

/** Writes a typed array as one little-endian column file and records it in `files`. */
export function writeColumn(dir: string, rel: string, a: TypedArray, files: Record<string, ColumnSpec>): void {
  assertLittleEndian();
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    writeAll(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  } finally {
    fs.closeSync(fd);
  }
  files[rel] = { dtype: dtypeOf(a), length: a.length };
}

/** Reads a column listed in a manifest into a fresh typed array, checking the file size against the manifest. */
export function readColumn<D extends DType>(dir: string, rel: string, files: Readonly<Record<string, ColumnSpec>>, dtype: D): ArrayOf<D> {
  assertLittleEndian();
  const spec = files[rel];
  if (!spec) throw Errors.formatMismatch(path.join(dir, rel), 'not listed in manifest');
  if (spec.dtype !== dtype) throw Errors.formatMismatch(path.join(dir, rel), `dtype ${spec.dtype}, expected ${dtype}`);
  const Ctor = CTORS[dtype];
  const arr = new Ctor(spec.length) as ArrayOf<D>;
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  const file = path.join(dir, rel);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw Errors.formatMismatch(file, `cannot open: ${(e as Error).message}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size !== bytes.length) throw Errors.formatMismatch(file, `size ${size} bytes, manifest says ${spec.length} x ${dtype} = ${bytes.length}`);
    for (let off = 0; off < bytes.length; ) {
      const n = fs.readSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off), off);
      if (n === 0) throw Errors.formatMismatch(file, 'unexpected end of file');
      off += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return arr;
}

/**
 * Streams a column to disk in fixed-size chunks so that the generator never holds a whole large column
 * (e.g. 30M events) in memory. Values are pushed one at a time into a preallocated buffer.
 */
export class ColumnStream<D extends DType> {
  readonly buf: ArrayOf<D>;
  private fill = 0;
  private total = 0;
  private readonly fd: number;

  constructor(
    private readonly dir: string,
    private readonly rel: string,
    private readonly dtype: D,
    chunk = 1 << 20,
  ) {
    assertLittleEndian();
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
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
    writeAll(this.fd, new Uint8Array(b.buffer, b.byteOffset, this.fill * b.BYTES_PER_ELEMENT));
    this.total += this.fill;
    this.fill = 0;
  }

  close(files: Record<string, ColumnSpec>): void {
    this.flush();
    fs.closeSync(this.fd);
    files[this.rel] = { dtype: this.dtype, length: this.total };
    void this.dir;
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

  static read(dir: string, name: string, files: Readonly<Record<string, ColumnSpec>>): StringTable {
    const offsets = readColumn(dir, `${name}.offsets`, files, 'uint32');
    const bytes = readColumn(dir, `${name}.utf8`, files, 'uint8');
    const last = offsets.length > 0 ? offsets[offsets.length - 1]! : 0;
    if (last !== bytes.length) throw Errors.formatMismatch(path.join(dir, name), `offsets end at ${last}, blob has ${bytes.length} bytes`);
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
