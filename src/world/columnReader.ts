// Reads the columns a world manifest (or the truth manifest) lists, refusing a damaged file with ENC_FORMAT
// naming the file and what is wrong: not listed, wrong dtype, a size other than the manifest's (truncated or
// overwritten), or, unless `verify: 'sizes'`, a sha256 other than the manifest's (a flipped bit anywhere).
// Hashing is streamed: each chunk is hashed as it is read into the column's memory, so verifying costs no second
// pass over the data. Two sources:
//   - columnsOf: synchronous reads on demand (CLI tools, training, tests);
//   - preloadColumns: every listed file read and checked first with chunked asynchronous reads (the service),
//     so a multi-GB world does not hold the event loop for more than one chunk's hashing at a time.
// Node has no mmap: either way each file lands straight in a preallocated typed array.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Errors } from '../domain/errors.js';
import { MAP_AT_LEAST, mapFile } from '../model/mappedFile.js';
import { sha256Verified } from '../model/fileHash.js';
import { CTORS, assertLittleEndian, byteSize, type ArrayOf, type ColumnSource, type ColumnSpec, type DType } from './format.js';

export type VerifyMode = 'full' | 'sizes';

export interface VerifyOptions {
  /** 'full' (default): sizes and sha256 of every file; 'sizes': sizes only (tests, quick tools). */
  readonly verify?: VerifyMode;
}

type Files = Readonly<Record<string, ColumnSpec>>;

/**
 * Whether a manifest's files carry checksums: 'sha256' when every file has one, 'none' when none has (a world
 * written before checksums). Some but not all is a damaged or hand-edited manifest and is refused.
 */
export function checksumsOf(dir: string, files: Files): 'sha256' | 'none' {
  const names = Object.keys(files);
  const withSum = names.filter((n) => typeof files[n]!.sha256 === 'string').length;
  if (withSum === names.length && names.length > 0) return 'sha256';
  if (withSum === 0) return 'none';
  throw Errors.formatMismatch(path.join(dir, 'manifest.json'), `lists a sha256 for ${withSum} of ${names.length} files: the manifest is damaged`);
}

/** The manifest entry of `rel` and the byte size it implies, after checking that the entry is consistent. */
function expectedBytes(dir: string, rel: string, files: Files, dtype: DType | null): { spec: ColumnSpec; bytes: number } {
  const spec = files[rel];
  const file = path.join(dir, rel);
  if (!spec) throw Errors.formatMismatch(file, 'not listed in manifest');
  if (dtype !== null && spec.dtype !== dtype) throw Errors.formatMismatch(file, `dtype ${spec.dtype}, expected ${dtype}`);
  if (!(spec.dtype in CTORS) || !(Number.isSafeInteger(spec.length) && spec.length >= 0)) throw Errors.formatMismatch(file, 'manifest entry has no valid dtype and length');
  const bytes = byteSize(spec.dtype, spec.length);
  if (spec.bytes !== undefined && spec.bytes !== bytes) throw Errors.formatMismatch(file, `manifest says ${spec.bytes} bytes and ${spec.length} x ${spec.dtype} = ${bytes}: the manifest is damaged`);
  return { spec, bytes };
}

function checkSize(file: string, size: number, spec: ColumnSpec, bytes: number): void {
  if (size !== bytes) throw Errors.formatMismatch(file, `size ${size} bytes, manifest says ${spec.length} x ${spec.dtype} = ${bytes} (truncated or overwritten)`);
}

function checkDigest(file: string, got: string | null, spec: ColumnSpec): void {
  if (got === null || spec.sha256 === undefined) return;
  if (got !== spec.sha256) {
    throw Errors.formatMismatch(file, `checksum mismatch: sha256 ${got}, manifest says ${spec.sha256}: the file is damaged. Restore the world from a backup, or regenerate / re-import it`);
  }
}

function openForRead(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    throw Errors.formatMismatch(file, `cannot open: ${(e as Error).message}`);
  }
}

const CHUNK = 1 << 26; // synchronous reads: 64 MiB per readSync call

/** Reads `rel` into `bytes` (exactly the manifest's size), hashing each chunk as it arrives when `verify`. */
function readInto(dir: string, rel: string, spec: ColumnSpec, bytes: Uint8Array, verify: boolean): void {
  const file = path.join(dir, rel);
  const fd = openForRead(file);
  try {
    checkSize(file, fs.fstatSync(fd).size, spec, bytes.length);
    const h = verify && spec.sha256 !== undefined ? createHash('sha256') : null;
    for (let off = 0; off < bytes.length; ) {
      const n = fs.readSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off), off);
      if (n === 0) throw Errors.formatMismatch(file, 'unexpected end of file');
      h?.update(bytes.subarray(off, off + n));
      off += n;
    }
    checkDigest(file, h ? h.digest('hex') : null, spec);
  } finally {
    fs.closeSync(fd);
  }
}

class FileColumns implements ColumnSource {
  constructor(
    readonly dir: string,
    readonly files: Files,
    private readonly verify: boolean,
  ) {}

  column<D extends DType>(rel: string, dtype: D): ArrayOf<D> {
    const { spec } = expectedBytes(this.dir, rel, this.files, dtype);
    const arr = new CTORS[dtype](spec.length) as ArrayOf<D>;
    readInto(this.dir, rel, spec, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), this.verify);
    return arr;
  }
}

/** Columns of `files` read synchronously on demand, each checked against the manifest when read. */
export function columnsOf(dir: string, files: Files, opts: VerifyOptions = {}): ColumnSource {
  assertLittleEndian();
  checksumsOf(dir, files);
  return new FileColumns(dir, files, opts.verify !== 'sizes');
}

/** Reads one file through a single fd, one 4 MiB chunk per await: hashing a chunk holds the loop ~2-3 ms. */
const ASYNC_CHUNK = 1 << 22;

/**
 * Large files are memory-mapped when the native addon is there (src/model/mappedFile.ts): the service's
 * worker processes then share one copy of the world in the page cache; a column written to later (live
 * catalog changes) copies only the pages it touches. Null: read it instead.
 */
async function mapFileAsync(dir: string, rel: string, spec: ColumnSpec, bytes: number, verify: boolean): Promise<Buffer | null> {
  const file = path.join(dir, rel);
  if (bytes < MAP_AT_LEAST) return null;
  let ab: ArrayBuffer | null;
  try {
    ab = mapFile(file);
  } catch (e) {
    throw Errors.formatMismatch(file, `cannot map: ${(e as Error).message}`);
  }
  if (ab === null) return null;
  checkSize(file, ab.byteLength, spec, bytes);
  const buf = Buffer.from(ab);
  if (verify && spec.sha256 !== undefined) {
    checkDigest(file, await sha256Verified(file), spec);
  }
  return buf;
}

async function readFileAsync(dir: string, rel: string, spec: ColumnSpec, bytes: number, verify: boolean): Promise<Buffer> {
  const mapped = await mapFileAsync(dir, rel, spec, bytes, verify);
  if (mapped) return mapped;
  const file = path.join(dir, rel);
  // allocUnsafeSlow: no zero-fill (the read overwrites it), and a buffer of its own starting at offset 0, so a
  // typed array of any element size can view it.
  const buf = Buffer.allocUnsafeSlow(bytes);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    throw Errors.formatMismatch(file, `cannot open: ${(e as Error).message}`);
  }
  try {
    checkSize(file, (await handle.stat()).size, spec, bytes);
    const h = verify && spec.sha256 !== undefined ? createHash('sha256') : null;
    for (let off = 0; off < bytes; ) {
      const { bytesRead } = await handle.read(buf, off, Math.min(ASYNC_CHUNK, bytes - off), off);
      if (bytesRead === 0) throw Errors.formatMismatch(file, 'unexpected end of file');
      h?.update(buf.subarray(off, off + bytesRead));
      off += bytesRead;
    }
    checkDigest(file, h ? h.digest('hex') : null, spec);
  } finally {
    await handle.close();
  }
  return buf;
}

class PreloadedColumns implements ColumnSource {
  constructor(
    readonly dir: string,
    readonly files: Files,
    private readonly loaded: Map<string, Buffer>,
  ) {}

  column<D extends DType>(rel: string, dtype: D): ArrayOf<D> {
    const { spec } = expectedBytes(this.dir, rel, this.files, dtype);
    const buf = this.loaded.get(rel);
    if (buf === undefined) throw Errors.formatMismatch(path.join(this.dir, rel), 'not read (asked for twice?)');
    this.loaded.delete(rel); // the column owns the memory from now on
    return new (CTORS[dtype] as unknown as new (b: ArrayBufferLike, o: number, n: number) => ArrayOf<D>)(buf.buffer, buf.byteOffset, spec.length);
  }
}

/** Reads and checks every file of `files` asynchronously; the source then hands out the checked columns. */
export async function preloadColumns(dir: string, files: Files, opts: VerifyOptions = {}): Promise<ColumnSource> {
  assertLittleEndian();
  checksumsOf(dir, files);
  const verify = opts.verify !== 'sizes';
  const loaded = new Map<string, Buffer>();
  for (const rel of Object.keys(files)) {
    const { spec, bytes } = expectedBytes(dir, rel, files, null);
    loaded.set(rel, await readFileAsync(dir, rel, spec, bytes, verify));
  }
  return new PreloadedColumns(dir, files, loaded);
}
