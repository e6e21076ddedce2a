// Growable columns for the streaming catalog import: row counts are unknown until the file ends, so columns grow
// by doubling (amortised O(1) a row, one typed array each, no JS object per row) and are written as views.
import path from 'node:path';
import { Errors } from '../../domain/errors.js';
import { writeColumn, type ColumnSpec, type TypedArray } from '../format.js';
import { HashingFileWriter } from '../HashingFileWriter.js';

type Ctor<A extends TypedArray> = new (n: number) => A;

/**
 * A typed array that grows by doubling. Hot loops store through `data[next()]` at their own call site: one Grow
 * class serves six element types, and a shared `push` would make its store megamorphic (measured: 2x slower).
 */
export class Grow<A extends TypedArray> {
  data: A;
  length = 0;
  private cap: number;

  constructor(
    private readonly ctor: Ctor<A>,
    capacity = 1024,
  ) {
    this.cap = Math.max(16, capacity);
    this.data = new ctor(this.cap);
  }

  /** Index of a new last element (growing when full); the caller then stores into `data` at it (read `data` AFTER calling: `g.data[g.next()] = v` would store into the old array). */
  next(): number {
    if (this.length === this.cap) this.reserve(this.length + 1);
    return this.length++;
  }

  push(v: number): void {
    if (this.length === this.cap) this.reserve(this.length + 1);
    this.data[this.length++] = v;
  }

  /** Makes room for at least `n` elements in total. */
  reserve(n: number): void {
    if (n <= this.cap) return;
    let size = this.cap;
    while (size < n) size *= 2;
    const bigger = new this.ctor(size);
    bigger.set(this.data.subarray(0, this.length) as never);
    this.data = bigger;
    this.cap = size;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, v: number): void {
    this.data[i] = v;
  }

  /** The filled part (a view, no copy). */
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }

  /** Frees the memory (the column has been written). */
  release(): void {
    this.data = new this.ctor(16);
    this.cap = 16;
    this.length = 0;
  }
}

const BLOB_CHUNK = 1 << 22;

/**
 * A string table (docs/formats.md "String tables") written while rows arrive: the UTF-8 blob streams to disk in
 * 4 MiB chunks, only the uint32 offsets stay in memory.
 */
export class StringTableBuilder {
  private readonly offsets = new Grow(Uint32Array);
  private readonly buf = Buffer.allocUnsafe(BLOB_CHUNK);
  private fill = 0;
  private bytes = 0;
  private readonly out: HashingFileWriter;

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    this.out = new HashingFileWriter(path.join(dir, `${name}.utf8`));
    this.offsets.push(0);
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  add(s: string): void {
    if (this.fill + 4 * s.length > BLOB_CHUNK) this.flush();
    let n: number;
    if (4 * s.length > BLOB_CHUNK) {
      const b = Buffer.from(s, 'utf8');
      this.out.write(b);
      n = b.length;
    } else {
      n = this.buf.write(s, this.fill, 'utf8');
      this.fill += n;
    }
    this.bytes += n;
    if (this.bytes > 0xffffffff) throw Errors.formatMismatch(this.name, 'string table over 4 GiB');
    this.offsets.push(this.bytes);
  }

  private flush(): void {
    this.out.write(this.buf.subarray(0, this.fill));
    this.fill = 0;
  }

  close(files: Record<string, ColumnSpec>): void {
    this.flush();
    files[`${this.name}.utf8`] = { dtype: 'uint8', length: this.bytes, ...this.out.close() };
    writeColumn(this.dir, `${this.name}.offsets`, this.offsets.view(), files);
    this.offsets.release();
  }

  /** Closes the file without listing it (the import was aborted; the caller removes the directory). */
  abandon(): void {
    this.out.abandon();
  }
}
