// The service under benchmark: `encore serve` in a child process (embedded storage in a temp dir), started
// and stopped by bench:feed and bench:swap.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { warmPageCache } from './pageCache.js';
import { fileURLToPath } from 'node:url';

export interface Ready {
  port: number;
  openSeconds: number;
  trackCount: number;
  modelVersion: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts `encore serve` (embedded LMDB storage in a temp dir) and waits until every worker listens. */
export async function startService(
  world: string, bundles: string, workers: number, tmp: string, watchMs = 0, extra: { args?: readonly string[]; port?: number } = {},
): Promise<{ proc: ChildProcess; ready: Ready }> {
  const port = extra.port ?? (await freePort());
  const warm = warmPageCache(world, bundles);
  console.log(`page cache: read the world and the newest bundle once (${(warm.bytes / 2 ** 30).toFixed(2)} GiB in ${warm.seconds.toFixed(1)} s, files of 2 MiB or more in 2 MiB folios) before the service starts`);
  const cli = fileURLToPath(new URL('../../src/cli/encore.js', import.meta.url));
  const args = ['serve', '--world', world, '--bundles', bundles, '--port', String(port), '--workers', String(workers), '--watch-ms', String(watchMs),
    '--state', `lmdb://${path.join(tmp, 'state')}`, '--events', `lmdb://${path.join(tmp, 'events')}`, ...(extra.args ?? [])];
  const proc = spawn(process.execPath, ['--max-old-space-size=8192', cli, ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
  return new Promise((resolve, reject) => {
    let listening = 0;
    let buffered = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      buffered += chunk.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /serving (\d+) tracks, model (\S+), at .* after ([\d.]+) s/.exec(line);
        if (m && ++listening === workers) resolve({ proc, ready: { port, trackCount: Number(m[1]), modelVersion: m[2]!.replace(/,$/, ''), openSeconds: Number(m[3]) } });
      }
    });
    proc.once('exit', (code) => reject(new Error(`service exited with ${code} before listening`)));
  });
}

/** The serve process and its cluster workers. */
function servicePids(pid: number): number[] {
  const pids = [pid];
  try {
    const children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    pids.push(...children);
  } catch {
    // no children: a single process
  }
  return pids;
}

/** Bytes of each kB figure `fields` of one process's /proc file, summed (0 for a process gone). */
function procBytes(p: number, file: string, fields: readonly RegExp[]): number {
  try {
    const text = fs.readFileSync(`/proc/${p}/${file}`, 'utf8');
    return fields.reduce((sum, field) => sum + Number(field.exec(text)?.[1] ?? 0) * 1024, 0);
  } catch {
    return 0; // process gone
  }
}

/** Sum over the service processes of one kB figure of a /proc file (0 for a process gone). */
function sumProcKb(pid: number, file: string, field: RegExp): number {
  return servicePids(pid).reduce((sum, p) => sum + procBytes(p, file, [field]), 0);
}

/** Peak RSS (VmHWM) of the service processes: the serve process, or its cluster workers. */
export function servicePeakRss(pid: number): number {
  return sumProcKb(pid, 'status', /VmHWM:\s+(\d+) kB/);
}

/**
 * Proportional set size of the service processes now: pages shared between them (memory-mapped model and
 * world files) are counted once in total, split between the sharers; this is the machine's real cost.
 */
export function servicePss(pid: number): number {
  return sumProcKb(pid, 'smaps_rollup', /\nPss:\s+(\d+) kB/);
}

/**
 * Private memory (Private_Clean + Private_Dirty: pages no other process maps) of each service process, primary
 * first: what one more worker costs the machine, apart from the shared mapped files it may touch further.
 */
export function servicePrivate(pid: number): number[] {
  return servicePids(pid).map((p) => procBytes(p, 'smaps_rollup', [/\nPrivate_Clean:\s+(\d+) kB/, /\nPrivate_Dirty:\s+(\d+) kB/]));
}

/**
 * Of the file pages the service processes map (Rss - Anonymous; the model and world files), how many bytes are
 * mapped as 2 MiB pages (FilePmdMapped: native/common/huge_mapping.h says why it matters), summed over them.
 */
export function serviceHugeMapped(pid: number): { fileBytes: number; hugeBytes: number } {
  const pids = servicePids(pid);
  const rss = pids.reduce((sum, p) => sum + procBytes(p, 'smaps_rollup', [/\nRss:\s+(\d+) kB/]), 0);
  const anon = pids.reduce((sum, p) => sum + procBytes(p, 'smaps_rollup', [/\nAnonymous:\s+(\d+) kB/]), 0);
  return { fileBytes: rss - anon, hugeBytes: pids.reduce((sum, p) => sum + procBytes(p, 'smaps_rollup', [/\nFilePmdMapped:\s+(\d+) kB/]), 0) };
}

/** Processes of the service (the primary and its workers). */
export function serviceProcessCount(pid: number): number {
  return servicePids(pid).length;
}

export function stopService(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
  });
}

