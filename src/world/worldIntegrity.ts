// Whether a world directory carries checksums, the warning for one that does not, and sealing one.
//
// Worlds written before checksums (format version 2 without `sha256` in `files`) are still opened: the column
// layouts did not change, and refusing them would turn an upgrade into an outage until an 8.2M-track world is
// regenerated or re-imported. Their sizes are checked as before; a warning says that damage inside a file cannot
// be detected and how to fix that (`encore seal-world DIR`, one hashing pass, or regenerate / re-import).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Errors } from '../domain/errors.js';
import { checksumsOf } from './columnReader.js';
import { TRUTH_FORMAT, TRUTH_FORMAT_VERSION, WORLD_FORMAT, WORLD_FORMAT_VERSION, byteSize, readManifest, writeJson, type ColumnSpec, type WorldManifest } from './format.js';

export interface IntegrityOptions {
  /** Where the warning for a world without checksums goes (default: process.emitWarning). */
  readonly warn?: (message: string) => void;
}

export function unsealedWarning(dir: string): string {
  return `${dir}: this world was written before checksums (manifest.json lists no sha256): sizes are checked, damage inside a file is not detected. Run \`encore seal-world ${dir}\` once, or regenerate / re-import the world`;
}

/** Warns (once per call) when the world's manifest lists no checksums; refuses a manifest that lists only some. */
export function warnIfUnsealed(dir: string, manifest: WorldManifest, opts: IntegrityOptions): void {
  if (checksumsOf(dir, manifest.files) === 'sha256') return;
  const msg = unsealedWarning(dir);
  if (opts.warn) opts.warn(msg);
  else process.emitWarning(msg, { code: 'ENC_WORLD_UNSEALED' });
}

const CHUNK = 1 << 24;

/** Size-checks and hashes one listed file (sync, one 16 MiB buffer). */
function hashListed(dir: string, rel: string, spec: ColumnSpec, buf: Buffer): { bytes: number; sha256: string } {
  const file = path.join(dir, rel);
  const bytes = byteSize(spec.dtype, spec.length);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw Errors.formatMismatch(file, `cannot open: ${(e as Error).message}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size !== bytes) throw Errors.formatMismatch(file, `size ${size} bytes, manifest says ${spec.length} x ${spec.dtype} = ${bytes} (truncated or overwritten): not sealing a damaged world`);
    const h = createHash('sha256');
    for (let off = 0; off < bytes; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, bytes - off), off);
      if (n === 0) throw Errors.formatMismatch(file, 'unexpected end of file');
      h.update(buf.subarray(0, n));
      off += n;
    }
    return { bytes, sha256: h.digest('hex') };
  } finally {
    fs.closeSync(fd);
  }
}

function sealedFiles(dir: string, files: Readonly<Record<string, ColumnSpec>>, buf: Buffer): { files: Record<string, ColumnSpec>; bytes: number } {
  const out: Record<string, ColumnSpec> = {};
  let total = 0;
  for (const [rel, spec] of Object.entries(files)) {
    const sum = hashListed(dir, rel, spec, buf);
    out[rel] = { dtype: spec.dtype, length: spec.length, ...sum };
    total += sum.bytes;
  }
  return { files: out, bytes: total };
}

/** Replaces a manifest atomically (written aside, renamed over): a crash leaves the old or the new one. */
function replaceManifest(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeJson(tmp, value);
  fs.renameSync(tmp, file);
}

export interface SealSummary {
  readonly dir: string;
  /** False when the world already had checksums (nothing was rewritten). */
  readonly sealed: boolean;
  readonly files: number;
  readonly bytes: number;
}

/**
 * Records the size and sha256 of every file of a world written before checksums (and of its truth/), trusting
 * the bytes as they are now: run it on a world known to be good. A world that already has checksums is left as is.
 */
export function sealWorld(dir: string): SealSummary {
  const abs = path.resolve(dir);
  const manifestFile = path.join(abs, 'manifest.json');
  const m = readManifest<WorldManifest>(manifestFile, WORLD_FORMAT, WORLD_FORMAT_VERSION);
  if (checksumsOf(abs, m.files) === 'sha256') return { dir: abs, sealed: false, files: Object.keys(m.files).length, bytes: 0 };
  const buf = Buffer.allocUnsafe(CHUNK);
  const world = sealedFiles(abs, m.files, buf);
  let files = Object.keys(world.files).length;
  let bytes = world.bytes;
  const truthFile = path.join(abs, 'truth', 'manifest.json');
  if (fs.existsSync(truthFile)) {
    const t = readManifest<{ format: string; version: number; files: Record<string, ColumnSpec> }>(truthFile, TRUTH_FORMAT, TRUTH_FORMAT_VERSION);
    if (checksumsOf(abs, t.files) === 'none') {
      const truth = sealedFiles(abs, t.files, buf);
      replaceManifest(truthFile, { ...t, files: truth.files });
      files += Object.keys(truth.files).length;
      bytes += truth.bytes;
    }
  }
  replaceManifest(manifestFile, { ...m, files: world.files });
  return { dir: abs, sealed: true, files, bytes };
}
