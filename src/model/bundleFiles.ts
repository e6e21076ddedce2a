// Model bundle on-disk layout (format "encore-bundle", version 1): a directory of little-endian column files
// plus manifest.json listing every file with its byte size and sha256. Files are written into a temp
// directory and the whole directory is renamed into place at the end (src/training/trainBundle.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Errors } from '../domain/errors.js';
import { MAP_AT_LEAST, mapFile, type MappedFiles } from './mappedFile.js';
import { sha256Verified } from './fileHash.js';
import { fileIdentity } from './digestCache.js';

export const BUNDLE_FORMAT = 'encore-bundle';
/** 2: the listeners' id dictionary (user-ids.*) names the rows of user-factors. */
export const BUNDLE_FORMAT_VERSION = 2;
export const MANIFEST_FILE = 'manifest.json';

export interface BundleFileEntry {
  readonly sha256: string;
  readonly bytes: number;
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: number;
  readonly bundleVersion: string;
  readonly dim: number;
  readonly trackCount: number;
  readonly userCount: number;
  readonly worldManifestHash: string;
  readonly createdAt: string;
  readonly files: Readonly<Record<string, BundleFileEntry>>;
}

/** File names inside a bundle directory. */
export const BUNDLE_FILES = {
  meta: 'meta.json',
  itemFactors: 'item-factors.f32',
  /** What the service maps instead (src/model/ItemVectors.ts): int8 codes, trackCount x dim, and one scale per track. */
  itemCodes: 'item-factors.i8',
  itemScales: 'item-scales.f32',
  userFactors: 'user-factors.f32',
  gram: 'gram.f32',
  /** Vector index bands: tracks.b<i>.usearch, listed in meta.json (index.bands). */
  indexBandPrefix: 'tracks.b',
  coListenIndptr: 'colisten.indptr.i32',
  coListenTracks: 'colisten.tracks.i32',
  coListenWeights: 'colisten.weights.f32',
  popMarketIndptr: 'pop-market.indptr.i32',
  popMarketTracks: 'pop-market.tracks.i32',
  popGenreIndptr: 'pop-market-genre.indptr.i32',
  popGenreTracks: 'pop-market-genre.tracks.i32',
  artistNewestIndptr: 'artist-newest.indptr.i32',
  artistNewestTracks: 'artist-newest.tracks.i32',
  userRecentIndptr: 'user-recent.indptr.i32',
  userRecentTracks: 'user-recent.tracks.i32',
  heldoutStart: 'heldout.start.i32',
  heldoutEnd: 'heldout.end.i32',
  coldStartWeights: 'coldstart-weights.f32',
  artistFactors: 'artist-factors.f32',
  ranker: 'ranker.json',
  /** The listeners' id dictionary: user-ids.offsets, user-ids.utf8, user-ids.hash (src/catalog/IdDictionary.ts). */
  userIds: 'user-ids',
} as const;

export type Typed = Int32Array | Uint32Array | Float32Array | Uint8Array | Int8Array | Float64Array;
const CHUNK = 1 << 26;

/**
 * Writes the array's bytes. No fsync here: the bundle writer syncs every file once, just before it publishes the
 * directory (syncFiles): by then the kernel has written most pages back in the background, where a sync per file
 * made training wait for the disk (2.8 GB of vectors at full scale) on the critical path.
 */
export function writeTyped(dir: string, name: string, a: Typed): void {
  const fd = fs.openSync(path.join(dir, name), 'w');
  try {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync of every regular file of the directory (before it is renamed into place). */
export function syncFiles(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const fd = fs.openSync(file, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

export function writeJson(dir: string, name: string, value: unknown): void {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value, null, 1));
}

/** sha256 of a file, streamed in 64 MiB chunks. */
export function sha256File(file: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** Digests already computed by describeFiles, per file name, with the file state they belong to. */
export type DescribedFiles = Map<string, { readonly state: string; readonly entry: BundleFileEntry }>;

/**
 * Lists every regular file of the directory (except the manifest) with size and sha256. With `known`, a file whose
 * identity (fileIdentity: device, inode, size, modification and change time, as the machine-wide digest cache keys
 * files) is that of an earlier call keeps that call's digest (the trainer lists the bundle twice, before and after
 * the ranker, and only the ranker's files change in between: 3.5 GB less to hash).
 */
export function describeFiles(dir: string, known?: DescribedFiles): Record<string, BundleFileEntry> {
  const files: Record<string, BundleFileEntry> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    if (name === MANIFEST_FILE) continue;
    const file = path.join(dir, name);
    const st = fs.statSync(file);
    if (!st.isFile()) continue;
    const state = fileIdentity(file);
    const earlier = known?.get(name);
    const entry = state !== null && earlier?.state === state ? earlier.entry : { sha256: sha256File(file), bytes: st.size };
    if (state !== null) known?.set(name, { state, entry });
    files[name] = entry;
  }
  return files;
}

export type Ctor<T extends Typed> = { new (n: number): T; readonly BYTES_PER_ELEMENT: number };

/**
 * Reads a bundle file into a fresh typed array, checking its size against the manifest and, when `verify`,
 * its sha256 (computed on the bytes as they are read: no second pass).
 */
export function readTyped<T extends Typed>(dir: string, manifest: BundleManifest, name: string, C: Ctor<T>, verify: boolean): T {
  const entry = manifest.files[name];
  if (!entry) throw Errors.bundleRejected(`${name} is not listed in the manifest`);
  if (entry.bytes % C.BYTES_PER_ELEMENT !== 0) throw Errors.bundleRejected(`${name}: ${entry.bytes} bytes is not a whole number of elements`);
  const out = new C(entry.bytes / C.BYTES_PER_ELEMENT);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const file = path.join(dir, name);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw Errors.bundleRejected(`${name}: ${(e as Error).message}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size !== entry.bytes) throw Errors.bundleRejected(`${name}: ${size} bytes on disk, manifest says ${entry.bytes} (truncated?)`);
    const h = verify ? createHash('sha256') : null;
    for (let off = 0; off < bytes.length; ) {
      const n = fs.readSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off), off);
      if (n === 0) throw Errors.bundleRejected(`${name}: unexpected end of file`);
      h?.update(bytes.subarray(off, off + n));
      off += n;
    }
    if (h && h.digest('hex') !== entry.sha256) throw Errors.bundleRejected(`${name}: checksum mismatch (corrupt)`);
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

export function readJson<T>(dir: string, manifest: BundleManifest, name: string): T {
  const entry = manifest.files[name];
  if (!entry) throw Errors.bundleRejected(`${name} is not listed in the manifest`);
  const buf = fs.readFileSync(path.join(dir, name));
  if (buf.length !== entry.bytes) throw Errors.bundleRejected(`${name}: ${buf.length} bytes on disk, manifest says ${entry.bytes}`);
  if (createHash('sha256').update(buf).digest('hex') !== entry.sha256) throw Errors.bundleRejected(`${name}: checksum mismatch (corrupt)`);
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (e) {
    throw Errors.bundleRejected(`${name}: ${(e as Error).message}`);
  }
}

export function readManifest(dir: string): BundleManifest {
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    throw Errors.bundleRejected(`${dir}: no readable ${MANIFEST_FILE} (${(e as Error).message})`);
  }
  let m: BundleManifest;
  try {
    m = JSON.parse(raw) as BundleManifest;
  } catch (e) {
    throw Errors.bundleRejected(`${MANIFEST_FILE}: ${(e as Error).message}`);
  }
  if (m.format !== BUNDLE_FORMAT) throw Errors.bundleRejected(`format "${String(m.format)}", expected "${BUNDLE_FORMAT}"`);
  if (m.version !== BUNDLE_FORMAT_VERSION) throw Errors.bundleRejected(`format version ${String(m.version)}, this build reads ${BUNDLE_FORMAT_VERSION}`);
  if (!(m.dim > 0 && m.trackCount >= 0 && m.userCount >= 0) || typeof m.files !== 'object' || m.files === null) {
    throw Errors.bundleRejected('manifest lacks dim/trackCount/userCount/files');
  }
  return m;
}

const ASYNC_CHUNK = 1 << 24; // 16 MiB: each read runs on the libuv pool, the event loop serves requests in between

/**
 * readTyped without blocking the event loop (a live bundle swap at full scale holds ~2.5 GB): large files are
 * memory-mapped (src/model/mappedFile.ts; taken from `mapped` when the caller mapped them together), smaller
 * ones read in chunks; sha256 updated chunk by chunk.
 */
export async function readTypedAsync<T extends Typed>(dir: string, manifest: BundleManifest, name: string, C: Ctor<T>, verify: boolean, mapped: MappedFiles | null = null): Promise<T> {
  const entry = manifest.files[name];
  if (!entry) throw Errors.bundleRejected(`${name} is not listed in the manifest`);
  if (entry.bytes % C.BYTES_PER_ELEMENT !== 0) throw Errors.bundleRejected(`${name}: ${entry.bytes} bytes is not a whole number of elements`);
  const file = path.join(dir, name);
  const raw = entry.bytes >= MAP_AT_LEAST ? await mapChecked(file, name, entry, verify, mapped?.view(name)) : await readChecked(file, name, entry, verify);
  return new (C as unknown as new (b: ArrayBufferLike, o: number, n: number) => T)(raw.buffer, raw.byteOffset, entry.bytes / C.BYTES_PER_ELEMENT);
}

/**
 * The file memory-mapped (shared between processes, no copy), its size checked and, when `verify`, its sha256
 * checked (hashed in a worker thread, once per machine while the file is unchanged: src/model/digestCache.ts).
 * Falls back to reading when mapping is not available.
 */
async function mapChecked(file: string, name: string, entry: BundleFileEntry, verify: boolean, premapped: Uint8Array | undefined): Promise<Uint8Array> {
  let bytes = premapped;
  if (bytes === undefined) {
    let ab: ArrayBuffer | null;
    try {
      ab = mapFile(file);
    } catch (e) {
      throw Errors.bundleRejected(`${name}: ${(e as Error).message}`);
    }
    if (ab === null) return readChecked(file, name, entry, verify);
    bytes = new Uint8Array(ab);
  }
  if (bytes.length !== entry.bytes) throw Errors.bundleRejected(`${name}: ${bytes.length} bytes on disk, manifest says ${entry.bytes} (truncated?)`);
  if (verify && (await sha256Verified(file)) !== entry.sha256) throw Errors.bundleRejected(`${name}: checksum mismatch (corrupt)`);
  return bytes;
}

/** The file read into a fresh buffer in chunks on the libuv pool, sha256 updated chunk by chunk. */
async function readChecked(file: string, name: string, entry: BundleFileEntry, verify: boolean): Promise<Uint8Array> {
  // allocUnsafeSlow: no zero-fill (a 2 GB typed array would block the event loop ~0.4 s filling zeros that the
  // read overwrites anyway); a non-pooled buffer starts at offset 0, so any element alignment holds.
  const raw = Buffer.allocUnsafeSlow(entry.bytes);
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    throw Errors.bundleRejected(`${name}: ${(e as Error).message}`);
  }
  try {
    const size = (await handle.stat()).size;
    if (size !== entry.bytes) throw Errors.bundleRejected(`${name}: ${size} bytes on disk, manifest says ${entry.bytes} (truncated?)`);
    const h = verify ? createHash('sha256') : null;
    for (let off = 0; off < bytes.length; ) {
      const { bytesRead } = await handle.read(bytes, off, Math.min(ASYNC_CHUNK, bytes.length - off), off);
      if (bytesRead === 0) throw Errors.bundleRejected(`${name}: unexpected end of file`);
      h?.update(bytes.subarray(off, off + bytesRead));
      off += bytesRead;
    }
    if (h && h.digest('hex') !== entry.sha256) throw Errors.bundleRejected(`${name}: checksum mismatch (corrupt)`);
  } finally {
    await handle.close();
  }
  return bytes;
}

