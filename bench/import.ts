// Import benchmark (issue 8 point 9): `encore import --format jsonl` of a generated world's full-scale export
// (`encore world … --export jsonl --ids uuid`: 8.2M tracks, ~27M events with UUID ids), measured in a child process:
// wall time, peak RSS (the child's getrusage maxRSS), rows/s, and the id dictionaries' bytes per id.
//   npm run bench:import -- [--tracks N] [--users U] [--seed S] [--world DIR] [--out DIR] [--keep]
// The exported world is reused when present (default /work/data/world-8m-export at full scale, else
// <data>/bench-import-world-<tracks>-<users>); the imported world is removed after unless --keep.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCatalog } from '../src/world/importers/catalogImport.js';
import { EXPORT_FILES } from '../src/world/exportWorld.js';

const FULL_TRACKS = 8_200_000;
const FULL_USERS = 500_000;
const GiB = 2 ** 30;
const MiB = 2 ** 20;

interface Args { tracks: number; users: number; seed: number; world: string; out: string; keep: boolean }

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const tracks = Number(get('--tracks') ?? FULL_TRACKS);
  const users = Number(get('--users') ?? FULL_USERS);
  const data = fs.existsSync('/work/data') ? '/work/data' : os.tmpdir();
  const full = tracks === FULL_TRACKS && users === FULL_USERS;
  return {
    tracks,
    users,
    seed: Number(get('--seed') ?? 42),
    world: get('--world') ?? (full ? path.join('/work/data', 'world-8m-export') : path.join(data, `bench-import-world-${tracks}-${users}`)),
    out: get('--out') ?? path.join(data, 'bench-import-out'),
    keep: argv.includes('--keep'),
  };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'encore.js');

/** Child mode: one import, one JSON line. */
async function child(argv: string[]): Promise<void> {
  const get = (n: string): string => argv[argv.indexOf(n) + 1]!;
  const t0 = performance.now();
  const s = await importCatalog({ format: 'jsonl', catalog: get('--catalog'), events: get('--events'), out: get('--out') });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ ...s, wallS, cpuS: (cpu.user + cpu.system) / 1e6, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

function exportReady(world: string, a: Args): boolean {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(world, 'manifest.json'), 'utf8')) as { counts: { tracks: number; users: number } };
    return m.counts.tracks === a.tracks && m.counts.users === a.users && fs.existsSync(path.join(world, 'export', EXPORT_FILES.tracks)) && fs.existsSync(path.join(world, 'export', EXPORT_FILES.events));
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--child')) return child(argv);
  const a = parseArgs(argv);
  const full = a.tracks >= FULL_TRACKS && a.users >= FULL_USERS;
  const machine = `${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length}, ${(os.totalmem() / GiB).toFixed(1)} GiB RAM, Node ${process.version}`;
  const date = new Date().toISOString();
  const command = argv.length > 0 ? `npm run bench:import -- ${argv.join(' ')}` : 'npm run bench:import';
  console.log(`machine: ${machine}\ndate: ${date}\ninputs: --tracks ${a.tracks} --users ${a.users} --seed ${a.seed}, world ${a.world}`);

  let generated = 'reused';
  if (!exportReady(a.world, a)) {
    generated = 'generated';
    const g = spawnSync(process.execPath, [cli, 'world', '--tracks', String(a.tracks), '--users', String(a.users), '--seed', String(a.seed), '--out', a.world, '--export', 'jsonl', '--ids', 'uuid'], { stdio: 'inherit' });
    if (g.status !== 0) throw new Error(`encore world --export failed with status ${g.status}`);
  }
  const tracksFile = path.join(a.world, 'export', EXPORT_FILES.tracks);
  const eventsFile = path.join(a.world, 'export', EXPORT_FILES.events);
  const inBytes = fs.statSync(tracksFile).size + fs.statSync(eventsFile).size;

  const script = fileURLToPath(import.meta.url);
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, '--child', '--catalog', tracksFile, '--events', eventsFile, '--out', a.out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`import child failed with status ${r.status}`);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    tracks: number; artists: number; albums: number; users: number; events: number; sessions: number; trackRows: number; eventRows: number;
    badRows: string[]; idBytes: { track: number; artist: number; album: number; user: number }; seconds: number; cpuS: number; maxRssBytes: number;
  };
  if (!a.keep) fs.rmSync(a.out, { recursive: true, force: true });
  const rows = s.trackRows + s.eventRows;
  const table = [
    '| measure | value |',
    '|---|---|',
    `| input (${generated}) | ${tracksFile} + ${eventsFile}: ${(inBytes / GiB).toFixed(2)} GiB |`,
    `| rows | ${s.trackRows} track lines + ${s.eventRows} event lines (${s.badRows.length} bad) |`,
    `| world written | ${s.tracks} tracks, ${s.artists} artists, ${s.albums} albums, ${s.users} listeners, ${s.events} events, ${s.sessions} sessions |`,
    `| import wall time (child process, start to renamed world) | ${wallS.toFixed(1)} s (import itself ${s.seconds.toFixed(1)} s) |`,
    `| CPU time of the import child (user + system) | ${s.cpuS.toFixed(1)} s |`,
    `| load average when the import started (1 / 5 / 15 min, ${os.cpus().length} cores) | ${load} |`,
    `| throughput | ${Math.round(rows / s.seconds)} rows/s, ${(inBytes / MiB / s.seconds).toFixed(1)} MiB/s |`,
    `| peak RSS of the import (child maxRSS) | ${(s.maxRssBytes / GiB).toFixed(2)} GiB |`,
    `| id dictionary, tracks | ${(s.idBytes.track / MiB).toFixed(1)} MiB = ${(s.idBytes.track / s.tracks).toFixed(1)} bytes/id |`,
    `| id dictionary, listeners | ${(s.idBytes.user / MiB).toFixed(1)} MiB = ${(s.idBytes.user / Math.max(1, s.users)).toFixed(1)} bytes/id |`,
    `| id dictionary, artists / albums | ${(s.idBytes.artist / s.artists).toFixed(1)} / ${(s.idBytes.album / s.albums).toFixed(1)} bytes/id |`,
  ].join('\n');
  console.log(table);
  const label = full
    ? ''
    : `\n**SMALL RUN** (--tracks ${a.tracks} --users ${a.users}), to check the benchmark works: NOT the full-scale figure. ` +
      `The full-scale run (8.2M tracks, ~27M events) is \`npm run bench:import\` (default inputs).\n`;
  const md =
    `# Import benchmark\n${label}\nCommand: \`${command}\`  \nDate: ${date}  \nMachine: ${machine} (shared; treat as orders of magnitude)  \n` +
    `Inputs: \`encore world --tracks ${a.tracks} --users ${a.users} --seed ${a.seed} --export jsonl --ids uuid\` (UUID ids for tracks, artists, albums, listeners and events), ` +
    `imported with \`encore import --format jsonl --catalog tracks.jsonl --events events.jsonl\` (src/world/importers/catalogImport.ts).\n\n${table}\n\n` +
    `The import runs in a child process (peak RSS = its getrusage maxRSS). Id dictionary bytes = its three files ` +
    `(uint32 offsets, UTF-8 bytes, int32 hash slots at load factor <= 0.5), which is also its memory once loaded: a UUID costs 36 bytes + 4 (offset) + 8-16 (hash slots). ` +
    `Target (issue 8): full scale in 10 minutes or less, peak RSS under 8 GB. On a shared machine the wall time follows the load ` +
    `(the load average row); the CPU time row is the import's own work. Not part of this benchmark: the feed benchmark on the imported world.\n`;
  const results = path.join(root, 'bench', 'results', 'import.md');
  fs.writeFileSync(results, md);
  console.log(`written: ${results}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
