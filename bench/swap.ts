// Live model swap benchmark: the service at full scale under a fixed open-loop load while a new bundle
// version appears in its bundle store. Reports latency before, during and after the swap, failed requests,
// and the service's RSS before and after (the old bundle's memory released).
//
// The "new" version is the newest bundle hard-linked into a temp store under a later version name (its
// manifest rewritten with that name), so the swap loads a full 8.2M-track bundle without training one.
//
//   npm run bench:swap [-- --world /work/data/world-8m --bundles /work/data/bundles-8m --rate 200 --duration 40
//                         --swap-at 10 --workers 2]
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { FsBundleStore } from '../src/storage/FsBundleStore.js';
import { readWorldManifest } from '../src/catalog/ColumnarCatalog.js';
import { IdDictionary } from '../src/catalog/IdDictionary.js';
import { USER_FILES } from '../src/world/generateUsers.js';
import { columnsOf } from '../src/world/columnReader.js';
import { mulberry32 } from '../src/rerank/rng.js';
import { openLoop } from './loadgen/openLoop.js';
import { percentiles } from './loadgen/stats.js';
import { startService, stopService } from './loadgen/service.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const fmt = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '-');

/**
 * Copies a bundle version by hard links (big files are never written to), with its manifest renamed, into a
 * hidden staging directory; returns the function that publishes it (one rename, as `encore train` publishes).
 * Staging is apart from publishing so that the load generator's event loop does not link ~150 files at the
 * moment it measures the swap (that showed up as a 121 ms "request" at the publish second).
 */
function stageVersion(from: string, to: string, version: string): () => void {
  const tmp = path.join(path.dirname(to), `.tmp-${version}`);
  fs.mkdirSync(tmp, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(path.join(tmp, entry.name));
      for (const f of fs.readdirSync(src)) fs.linkSync(path.join(src, f), path.join(tmp, entry.name, f));
    } else if (entry.name === 'manifest.json') {
      const m = JSON.parse(fs.readFileSync(src, 'utf8')) as Record<string, unknown>;
      m.bundleVersion = version;
      fs.writeFileSync(path.join(tmp, entry.name), JSON.stringify(m, null, 2));
    } else fs.linkSync(src, path.join(tmp, entry.name));
  }
  return () => fs.renameSync(tmp, to); // the version appears whole, as `encore train` publishes one
}

function rssOf(pid: number): number {
  const pids = [pid];
  try {
    for (const line of fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ')) if (line.trim()) pids.push(Number(line));
  } catch {
    // single process
  }
  let total = 0;
  for (const p of pids) {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
    if (m) total += Number(m[1]) * 1024;
  }
  return total;
}

async function main(): Promise<void> {
  const world = arg('world', '/work/data/world-8m');
  const bundles = arg('bundles', '/work/data/bundles-8m');
  const rate = Number(arg('rate', '200'));
  const duration = Number(arg('duration', '40'));
  const swapAt = Number(arg('swap-at', '10'));
  const workers = Number(arg('workers', '2'));
  const out = arg('out', 'bench/results/swap.md');
  const manifest = readWorldManifest(path.resolve(world));
  const users = manifest.counts.users;

  const cpus = os.cpus();
  const machine = `${cpus[0]?.model ?? 'unknown CPU'} x ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`;
  const date = new Date().toISOString();
  const lines: string[] = [];
  const say = (s: string): void => {
    console.log(s);
    lines.push(s);
  };

  const source = new FsBundleStore(path.resolve(bundles));
  const current = await source.current();
  if (current === null) throw new Error(`no bundle in ${bundles}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-bench-swap-'));
  const storeDir = path.join(tmp, 'bundles');
  fs.mkdirSync(storeDir);
  const oldVersion = `${current}-a`;
  const newVersion = `${current}-b`;
  stageVersion(source.path(current), path.join(storeDir, oldVersion), oldVersion)();

  const { proc, ready } = await startService(world, storeDir, workers, tmp, 500);
  // Each worker logs its swap with the longest event-loop stall while the new bundle loaded.
  const swapStalls: number[] = [];
  const baselineStalls: number[] = [];
  proc.stderr!.on('data', (chunk: Buffer) => {
    for (const m of chunk.toString('utf8').matchAll(/longest event-loop stall (\d+) ms(?:; (\d+) ms in the 5 s window before the load)?/g)) {
      swapStalls.push(Number(m[1]));
      if (m[2] !== undefined) baselineStalls.push(Number(m[2]));
    }
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const rnd = mulberry32(7);
  // The world's own listener ids (generated `u123` or imported UUIDs): known listeners, as bench:feed asks for.
  const userIds = IdDictionary.read(columnsOf(path.resolve(world), manifest.files), USER_FILES.ids);
  const pathFor = (): string => `/v1/users/${encodeURIComponent(userIds.idAt(Math.floor(rnd() * users)))}/feed?surface=home&limit=30`;
  const base = { host: '127.0.0.1', port: ready.port, agent, path: pathFor };
  // Staged after the service verified the old version: linking changes the files' ctime, so the new version's
  // files are hashed again at the swap (their digest-cache records no longer match), as new files would be.
  const publish = stageVersion(source.path(current), path.join(storeDir, newVersion), newVersion);
  await openLoop({ ...base, rate: 100, durationS: 5 });
  const rssBefore = rssOf(proc.pid!);

  // Every response's model version, by the time it was scheduled, tells when each request saw the new bundle.
  const start = performance.now();
  let publishedAtS = NaN;
  let firstNewAtS = NaN;
  const versionAt: Array<{ t: number; isNew: boolean }> = [];
  setTimeout(() => {
    publish();
    publishedAtS = (performance.now() - start) / 1000;
  }, swapAt * 1000);
  const result = await openLoop({
    ...base,
    rate,
    durationS: duration,
    sampleEvery: 1,
    onSample: (body) => {
      const t = (performance.now() - start) / 1000;
      const isNew = (JSON.parse(body) as { modelVersion: string }).modelVersion === newVersion;
      if (isNew && Number.isNaN(firstNewAtS)) firstNewAtS = t;
      versionAt.push({ t, isNew });
    },
  });
  await new Promise((r) => setTimeout(r, 3000)); // the old bundle is closed after a grace period
  const rssAfter = rssOf(proc.pid!);
  await stopService(proc);
  fs.rmSync(tmp, { recursive: true, force: true });

  // Latency windows by scheduled send time: i-th request was scheduled at i / rate seconds.
  const windows = { before: [] as number[], during: [] as number[], after: [] as number[] };
  const swapEnd = Number.isNaN(firstNewAtS) ? duration : firstNewAtS + 2;
  for (let i = 0; i < result.count; i++) {
    const t = i / rate; // latencies are stored in completion order; close enough for windowing at a fixed rate
    const l = result.latencies[i]!;
    if (t < publishedAtS) windows.before.push(l);
    else if (t < swapEnd) windows.during.push(l);
    else windows.after.push(l);
  }
  const lastOld = versionAt.filter((v) => !v.isNew).reduce((m, v) => Math.max(m, v.t), 0);

  say('# Live bundle swap benchmark');
  say('');
  say(`- command: \`npm run bench:swap -- ${process.argv.slice(2).join(' ')}\``);
  say(`- date: ${date}`);
  say(`- machine: ${machine}`);
  say(`- inputs: world ${world} (${manifest.counts.tracks} tracks, ${users} listeners); bundle ${current} published as a new version ${swapAt} s into ${rate} req/s of home feeds for ${duration} s; ${workers} service process(es) polling the store every 500 ms`);
  say('');
  say(`new version published at ${fmt(publishedAtS)} s; first response from it at ${fmt(firstNewAtS)} s; last response from the old one at ${fmt(lastOld)} s`);
  say(`requests: ${result.sent} sent, ${result.ok} ok, ${result.errors} failed (statuses ${JSON.stringify(Object.fromEntries(result.statuses))})`);
  say('');
  say('| window | requests | p50 ms | p99 ms | max ms |');
  say('|---|---|---|---|---|');
  for (const [name, xs] of Object.entries(windows)) {
    const [p50, p99, max] = percentiles(Float64Array.from(xs), [50, 99, 100]);
    say(`| ${name} the swap | ${xs.length} | ${fmt(p50)} | ${fmt(p99)} | ${fmt(max)} |`);
  }
  say('');
  // Per second (by completion order, as the windows): where in the run the slow and the shed requests fall.
  const cells: string[] = [];
  for (let from = 0, sec = 0; from < result.count; from += rate, sec++) {
    const to = Math.min(result.count, from + rate);
    let max = 0;
    let shed = 0;
    for (let i = from; i < to; i++) {
      max = Math.max(max, result.latencies[i]!);
      if (result.latencyStatuses[i] === 503) shed++;
    }
    cells.push(`${sec}s ${fmt(max)}${shed > 0 ? ` (${shed} shed)` : ''}`);
  }
  say(`slowest request per second of the run, ms: ${cells.join(' · ')}`);
  say('');
  say(`longest event-loop stall while the new bundle loaded, per process (the service's own measurement): ${swapStalls.length > 0 ? swapStalls.map((x) => `${x} ms`).join(', ') : 'not logged'}`);
  say(`the same measure over the last 5 s window before the load, per process (no swap: the yardstick): ${baselineStalls.length > 0 ? baselineStalls.map((x) => `${x} ms`).join(', ') : 'not logged'}`);
  say(`service RSS (all processes): ${(rssBefore / 2 ** 30).toFixed(2)} GiB before, ${(rssAfter / 2 ** 30).toFixed(2)} GiB 3 s after the load ended`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
