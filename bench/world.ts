// World benchmark: generation time and peak RSS (child process), then catalog load time and RSS in a FRESH child
// process, plus O(1) lookups. Default inputs are full scale (8.2M tracks, 500k listeners).
//   npm run bench:world -- [--tracks N] [--users U] [--seed S] [--out DIR] [--keep] [--load-only]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/catalog/ColumnarCatalog.js';
import { generateWorld, openWorld } from '../src/world/World.js';

interface Args { tracks: number; users: number; seed: number; out: string; keep: boolean; loadOnly: boolean }

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    tracks: Number(get('--tracks') ?? 8_200_000),
    users: Number(get('--users') ?? 500_000),
    seed: Number(get('--seed') ?? 42),
    out: get('--out') ?? path.join(fs.existsSync('/work/data') ? '/work/data' : os.tmpdir(), 'bench-world'),
    keep: argv.includes('--keep'),
    loadOnly: argv.includes('--load-only'),
  };
}

const GiB = 2 ** 30;

/** Child mode: do one measured job and print one JSON line. */
async function child(mode: string, a: Args): Promise<void> {
  if (mode === 'generate') {
    const s = await generateWorld({ tracks: a.tracks, users: a.users, seed: a.seed, out: a.out });
    console.log(JSON.stringify({ ...s, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
    return;
  }
  const t0 = performance.now();
  const c = loadCatalog(a.out);
  const loadS = (performance.now() - t0) / 1000;
  const readyS = process.uptime();
  const rssAfterCatalog = process.memoryUsage().rss;
  // O(1) lookups by track index: 1M random reads of several columns
  let h = 12345, acc = 0;
  const t1 = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    h = (Math.imul(h, 1103515245) + 12345) >>> 0;
    const t = h % c.trackCount;
    acc += c.columns.artist[t]! + c.columns.durationMs[t]! + c.columns.marketSet[t]! + c.columns.features[t * c.featureDim]!;
  }
  const lookupNs = ((performance.now() - t1) * 1e6) / 1_000_000;
  const t2 = performance.now();
  let titleBytes = 0;
  for (let i = 0; i < 100_000; i++) titleBytes += c.trackTitle(((i * 7919) % c.trackCount) as never).length;
  const titleUs = ((performance.now() - t2) * 1e3) / 100_000;
  const t3 = performance.now();
  const w = openWorld(a.out);
  const openWorldS = (performance.now() - t3) / 1000;
  console.log(JSON.stringify({
    tracks: c.trackCount, loadS, rssAfterCatalog, lookupNs, titleUs, openWorldS, events: w.events.count,
    maxRssBytes: process.resourceUsage().maxRSS * 1024, readyS, check: acc + titleBytes,
  }));
}

function runChild(mode: string, argv: string[]): { json: Record<string, number>; wallS: number } {
  const script = fileURLToPath(import.meta.url);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, '--child', mode, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${mode} child failed with status ${r.status}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { json: JSON.parse(line) as Record<string, number>, wallS };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const a = parseArgs(argv);
  const ci = argv.indexOf('--child');
  if (ci >= 0) return child(argv[ci + 1]!, a);

  const machine = `${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length}, ${(os.totalmem() / GiB).toFixed(1)} GiB RAM, Node ${process.version}`;
  const date = new Date().toISOString();
  const command = argv.length > 0 ? `npm run bench:world -- ${argv.join(' ')}` : 'npm run bench:world';
  console.log(`machine: ${machine}`);
  console.log(`date: ${date}`);
  console.log(`inputs: --tracks ${a.tracks} --users ${a.users} --seed ${a.seed} --out ${a.out}`);
  const passOn = ['--tracks', String(a.tracks), '--users', String(a.users), '--seed', String(a.seed), '--out', a.out];

  const lines: string[] = [];
  if (!a.loadOnly) {
    const g = runChild('generate', passOn);
    const s = g.json;
    lines.push(
      `| generation: wall time (child process) | ${g.wallS.toFixed(1)} s |`,
      `| generation: peak RSS | ${(s.maxRssBytes! / GiB).toFixed(2)} GiB |`,
      `| tracks / artists / albums | ${s.tracks} / ${s.artists} / ${s.albums} |`,
      `| listeners / listening events / plays / sessions | ${s.users} / ${s.events} / ${s.plays} / ${s.sessions} |`,
      `| skip share of plays / early share of skips | ${(100 * s.skipShare!).toFixed(1)} % / ${(100 * s.earlySkipShareOfSkips!).toFixed(1)} % |`,
    );
  }
  const l = runChild('load', passOn).json;
  lines.push(
    `| catalog load (loadCatalog, fresh process, warm page cache) | ${l.loadS!.toFixed(2)} s |`,
    `| process start to catalog ready | ${l.readyS!.toFixed(2)} s |`,
    `| RSS with the catalog loaded | ${(l.rssAfterCatalog! / GiB).toFixed(2)} GiB |`,
    `| random lookup of 4 columns by track index | ${l.lookupNs!.toFixed(0)} ns |`,
    `| track title decode | ${l.titleUs!.toFixed(2)} µs |`,
    `| openWorld (catalog + listeners + ${l.events} events) | ${l.openWorldS!.toFixed(2)} s |`,
  );
  if (!a.keep && !a.loadOnly) fs.rmSync(a.out, { recursive: true, force: true });

  const table = ['| measure | value |', '|---|---|', ...lines].join('\n');
  console.log(table);
  const md = `# World benchmark\n\nCommand: \`${command}\`  \nDate: ${date}  \nMachine: ${machine} (shared by five engineers; treat as orders of magnitude)  \n` +
    `Inputs: ${a.tracks} tracks, ${a.users} listeners, seed ${a.seed}, output ${a.out}\n\n${table}\n\n` +
    `Generation runs in a child process (peak RSS = its getrusage maxRSS). The load is measured in a fresh child process; ` +
    `the page cache is warm (the files were just written), Node has no mmap, so columns are read with fs.readSync into typed arrays.\n`;
  const results = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'world.md');
  if (a.tracks >= 8_200_000) fs.writeFileSync(results, md);
  else console.log(`(smaller than full scale: ${results} not written)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
