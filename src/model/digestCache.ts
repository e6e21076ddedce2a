// One checksum verification per machine. Every serving process of a machine loads the same bundle (and world)
// files on a live swap; each hashing 4+ GB itself took both cores twice over and shed requests. The first
// process to need a file's sha256 computes it (under a lock file, so the others wait instead of hashing too)
// and records it under the file's identity: device, inode, size, modification and change time (ns). Any
// process of this machine then takes the recorded digest while the file is unchanged; a write, truncation,
// copy or bit flip changes the identity (ctime cannot be set back by a user), so the file is hashed again.
// The records live in a directory only this user can write (default: $TMPDIR/encore-<uid>/digests, so a
// reboot, which also empties the page cache, starts over; ENCORE_DIGEST_CACHE overrides, "off" disables).
// Hand-written: no library keys a digest cache by inode state across processes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const POLL_MS = 50;
/** File times tick in coarse steps (a jiffy, at most 10 ms): a margin of several steps (see settledBefore()). */
const DEFAULT_RACY_MS = 100;
/** A lock file without a pid yet is being written; one that stays empty this long was left by a crash. */
const STALE_EMPTY_LOCK_MS = 10_000;

export interface DigestCacheOptions {
  /** The records' directory; null: no cache (every call hashes). */
  readonly dir: string | null;
  /** A digest is recorded only when the file's last change is this much older than the hash's start (default 100 ms; tests pass a negative margin to record every digest). */
  readonly racyMs?: number;
}

/** The cache directory for this process: ENCORE_DIGEST_CACHE, or $TMPDIR/encore-<uid>/digests. */
export function defaultDigestCacheDir(): string | null {
  const env = process.env.ENCORE_DIGEST_CACHE;
  if (env === 'off') return null;
  if (env !== undefined && env !== '') return env;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `encore-${uid}`, 'digests');
}

/** The identity of a file's current content as the file system tells it, or null when it cannot be read. */
export function fileIdentity(file: string): string | null {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${path.resolve(file)}|${s.dev}|${s.ino}|${s.size}|${s.mtimeNs}|${s.ctimeNs}`;
  } catch {
    return null;
  }
}

/**
 * The identity of a file's bytes regardless of its name: device, inode, size and modification time. A hard link
 * (bench:swap's staged versions, a warm retrain's carried index bands) shares it, and shares the page cache too;
 * it changes the change time, so fileIdentity, which the digests need, differs.
 */
function contentIdentity(file: string): string | null {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.dev}|${s.ino}|${s.size}|${s.mtimeNs}`;
  } catch {
    return null;
  }
}

/** This boot of the machine (a reboot empties the page cache, so a mark of an earlier boot means nothing); read once. */
let boot: string | null = null;
function bootId(): string {
  if (boot !== null) return boot;
  try {
    boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    boot = 'unknown boot';
  }
  return boot;
}

/** Where the "read into 2 MiB page-cache folios" mark of the file's bytes lives, or null without a cache directory. */
function hugeCacheMark(file: string, dir: string | null): string | null {
  const id = contentIdentity(file);
  return dir === null || id === null ? null : path.join(dir, `huge-${createHash('sha1').update(`${bootId()}|${id}`).digest('hex')}`);
}

/**
 * Whether this machine already read these bytes into 2 MiB folios (cacheInHugePages, src/model/mappedFile.ts): then
 * they are still in the page cache, mapped by whoever serves them, and reading them into it again would drop the
 * unmapped ones and read them from disk during a live swap (1.6 GB at ~160 MB/s in bench:swap, whose new version
 * hard-links the old one's files).
 */
export function hugeCachedBefore(file: string, dir: string | null = defaultDigestCacheDir()): boolean {
  const mark = hugeCacheMark(file, dir);
  return mark !== null && fs.existsSync(mark);
}

/** Records that the file's bytes were read into 2 MiB folios on this machine (a cache that cannot be written only costs a re-read). */
export function markHugeCached(file: string, dir: string | null = defaultDigestCacheDir()): void {
  const mark = hugeCacheMark(file, dir);
  if (mark === null) return;
  try {
    fs.mkdirSync(path.dirname(mark), { recursive: true, mode: 0o700 });
    fs.writeFileSync(mark, '', { mode: 0o600 });
  } catch {
    // not recorded: the next verification reads the file into the page cache again
  }
}

/**
 * Whether the file's last change happened well before `startedAt`: then any write after the hash started falls
 * in a later timestamp step and changes the identity, so the record can never describe other bytes.
 */
function settledBefore(file: string, startedAt: number, racyMs: number): boolean {
  try {
    const s = fs.statSync(file);
    return startedAt - Math.max(s.mtimeMs, s.ctimeMs) > racyMs;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A directory of digest records shared by the processes of one machine (see the file comment). */
export class DigestCache {
  private readonly dir: string | null;
  private readonly racyMs: number;
  private ready = false;

  constructor(opts: DigestCacheOptions = { dir: defaultDigestCacheDir() }) {
    this.dir = opts.dir;
    this.racyMs = opts.racyMs ?? DEFAULT_RACY_MS;
  }

  /**
   * The sha256 (hex) of `file`: the one recorded for its current identity, or `compute(file)`'s, recorded
   * then. While another live process of this machine computes the same file, waits for its record.
   */
  async sha256(file: string, compute: (file: string) => Promise<string>): Promise<string> {
    const where = this.paths(file);
    if (where === null) return compute(file);
    const { id, record, lock } = where;
    for (;;) {
      const known = readRecord(record, id);
      if (known !== null) return known;
      if (takeLock(lock)) {
        try {
          const startedAt = Date.now();
          const digest = await compute(file);
          // Only record when the file did not change while it was read (otherwise the digest is of a mixture),
          // and not when it is "racily clean" (git's term): file times tick in coarse steps, so a write in the
          // same step as the last change would leave the identity as it is.
          if (fileIdentity(file) === id && settledBefore(file, startedAt, this.racyMs)) writeRecord(record, id, digest);
          return digest;
        } finally {
          fs.rmSync(lock, { force: true });
        }
      }
      await sleep(POLL_MS);
    }
  }

  /** Where the record and the lock of the file's current identity live; null without a usable cache. */
  paths(file: string): { readonly id: string; readonly record: string; readonly lock: string } | null {
    const dir = this.usableDir();
    const id = fileIdentity(file);
    if (dir === null || id === null) return null;
    const record = path.join(dir, createHash('sha1').update(id).digest('hex'));
    return { id, record, lock: `${record}.lock` };
  }

  private usableDir(): string | null {
    if (this.dir === null) return null;
    if (this.ready) return this.dir;
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const s = fs.statSync(this.dir);
      // Records are trusted: a directory another user could write to is not used.
      if (typeof process.getuid === 'function' && (s.uid !== process.getuid() || (s.mode & 0o022) !== 0)) return null;
      this.ready = true;
      return this.dir;
    } catch {
      return null;
    }
  }
}

/** The digest recorded for exactly this identity (the key is a hash of it: the record repeats it), or null. */
function readRecord(record: string, id: string): string | null {
  try {
    const [recordedId, digest] = fs.readFileSync(record, 'utf8').split('\n');
    return recordedId === id && digest !== undefined && /^[0-9a-f]{64}$/.test(digest) ? digest : null;
  } catch {
    return null;
  }
}

function writeRecord(record: string, id: string, digest: string): void {
  const tmp = `${record}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${id}\n${digest}`, { mode: 0o600 });
    fs.renameSync(tmp, record);
  } catch {
    fs.rmSync(tmp, { force: true }); // a cache that cannot be written only costs a second hash
  }
}

/** Takes the lock file, or removes one left by a process that died; false while a live process holds it. */
function takeLock(lock: string): boolean {
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  const text = readText(lock);
  if (text === '') return lockAgeMs(lock) > STALE_EMPTY_LOCK_MS ? removeLock(lock) : false; // being written
  const holder = Number(text);
  if (Number.isSafeInteger(holder) && holder > 0 && alive(holder)) return false;
  return removeLock(lock); // stale (its holder was killed): the next turn takes it
}

function removeLock(lock: string): false {
  fs.rmSync(lock, { force: true });
  return false;
}

function lockAgeMs(lock: string): number {
  try {
    return Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
