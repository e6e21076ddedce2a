// World verification benchmark: what checking every world file's sha256 at load costs, and how long the service's
// asynchronous load holds the event loop. Each measure runs in a fresh child process on a warm page cache (one
// discarded warm-up load first): openWorld (sync) and openWorldAsync (the service's), sizes only vs full.
//   npm run bench:world-verify -- --world DIR            (an existing world; full scale: the lead's 8.2M world)
//   npm run bench:world-verify -- --tracks N --users U   (generates one into a temp dir first, removed after)
// Writes bench/results/world-verify.md only with --write.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { readWorldManifest } from '../src/catalog/ColumnarCatalog.js';
import { checksumsOf } from '../src/world/columnReader.js';
import { byteSize } from '../src/world/format.js';
import { generateWorld, openWorld, openWorldAsync } from '../src/world/World.js';

const MODES = ['sync-sizes', 'sync-full', 'async-sizes', 'async-full'] as const;
type Mode = (typeof MODES)[number];
interface Measure { seconds: number; maxLoopBlockMs: number; events: number }

const arg = (argv: string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

async function child(mode: Mode, dir: string): Promise<void> {
  const verify = mode.endsWith('full') ? 'full' : 'sizes';
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const w = mode.startsWith('sync') ? openWorld(dir, { verify, warn: () => undefined }) : await openWorldAsync(dir, { verify, warn: () => undefined });
  const seconds = (performance.now() - t0) / 1000;
  h.disable();
  // a synchronous load holds the loop for all of it; the histogram only sees it once the loop runs again
  const maxLoopBlockMs = mode.startsWith('sync') ? seconds * 1000 : h.max / 1e6;
  console.log(JSON.stringify({ seconds, maxLoopBlockMs, events: w.events.count } satisfies Measure));
}

function runChild(mode: Mode, dir: string): Measure {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, '--world', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${mode} child failed with status ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

/** Raw sha256 speed of this machine on 256 MiB in memory (the floor of what full verification adds). */
function sha256MBps(): number {
  const buf = Buffer.alloc(1 << 24, 7);
  const t0 = performance.now();
  const h = createHash('sha256');
  for (let i = 0; i < 16; i++) h.update(buf);
  h.digest();
  return (16 * buf.length) / 1e6 / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const ci = argv.indexOf('--child');
  if (ci >= 0) return child(argv[ci + 1] as Mode, arg(argv, '--world')!);
  let dir = arg(argv, '--world');
  let tmp: string | null = null;
  const tracks = Number(arg(argv, '--tracks') ?? 500_000);
  const users = Number(arg(argv, '--users') ?? 30_000);
  if (dir === undefined) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-world-verify-'));
    dir = path.join(tmp, 'world');
    await generateWorld({ tracks, users, seed: 42, out: dir });
  }
  try {
    const m = readWorldManifest(path.resolve(dir));
    if (checksumsOf(dir, m.files) === 'none') {
      console.error(`${dir} lists no checksums (written before them): sizes-only and full loads would be the same. Seal a copy first: encore seal-world DIR`);
      process.exitCode = 1;
      return;
    }
    const bytes = Object.values(m.files).reduce((s, f) => s + byteSize(f.dtype, f.length), 0);
    const machine = `${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
    const command = `npm run bench:world-verify -- ${argv.join(' ')}`.trim();
    console.log(`machine: ${machine}\ninputs: ${dir}: ${m.counts.tracks} tracks, ${m.counts.users} listeners, ${m.counts.events} events, ${(bytes / 1e6).toFixed(0)} MB in ${Object.keys(m.files).length} files`);
    runChild('sync-sizes', dir); // warm the page cache
    const r = Object.fromEntries(MODES.map((mode) => [mode, runChild(mode, dir!)])) as Record<Mode, Measure>;
    const mbps = (s: number): string => `${(bytes / 1e6 / s).toFixed(0)} MB/s`;
    const extra = (full: Measure, sizes: Measure): string => `+${(full.seconds - sizes.seconds).toFixed(2)} s (${mbps(Math.max(1e-9, full.seconds - sizes.seconds))} of checking)`;
    const rows = [
      `| openWorld, sizes only | ${r['sync-sizes'].seconds.toFixed(2)} s | ${mbps(r['sync-sizes'].seconds)} |`,
      `| openWorld, sizes + sha256 | ${r['sync-full'].seconds.toFixed(2)} s | ${mbps(r['sync-full'].seconds)}; ${extra(r['sync-full'], r['sync-sizes'])} |`,
      `| openWorldAsync (service), sizes only | ${r['async-sizes'].seconds.toFixed(2)} s | longest event-loop block ${r['async-sizes'].maxLoopBlockMs.toFixed(0)} ms |`,
      `| openWorldAsync (service), sizes + sha256 | ${r['async-full'].seconds.toFixed(2)} s | ${extra(r['async-full'], r['async-sizes'])}; longest event-loop block ${r['async-full'].maxLoopBlockMs.toFixed(0)} ms |`,
      `| sha256 in memory (this machine) | | ${sha256MBps().toFixed(0)} MB/s |`,
    ];
    const table = ['| measure | time | rate / note |', '|---|---|---|', ...rows].join('\n');
    console.log(table);
    if (argv.includes('--write')) {
      const md = `# World verification benchmark\n\nCommand: \`${command}\`  \nDate: ${new Date().toISOString()}  \nMachine: ${machine} (shared; treat as orders of magnitude)  \n` +
        `Inputs: ${m.counts.tracks} tracks, ${m.counts.users} listeners, ${m.counts.events} events, ${(bytes / 1e6).toFixed(0)} MB in ${Object.keys(m.files).length} files\n\n${table}\n\n` +
        'Each load runs in a fresh child process on a warm page cache. The asynchronous load (the service\'s) reads and hashes 4 MiB a chunk; its longest event-loop block is the synchronous assembly at the end (event grouping, availability checks).\n';
      fs.writeFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'world-verify.md'), md);
    }
  } finally {
    if (tmp !== null) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
