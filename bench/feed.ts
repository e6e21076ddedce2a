// Feed benchmark: the service in a child process (world + bundles at full scale by default), an
// open-loop load generator over loopback HTTP with random known and new listeners.
//   1. warm-up, then a fixed offered load (default 200 req/s for 30 s): p50 / p95 / p99 and the
//      per-stage breakdown from the responses' traces;
//   2. a ramp of offered loads to find the highest one whose p99 stays within 200 ms.
//
//   npm run bench:feed [-- --world /work/data/world-8m --bundles /work/data/bundles-8m --rate 200 --duration 30
//                         --ramp 200,300,400,500,600,800,1000 --step 15 --new-share 0.1 --radio-share 0.1]
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWorldManifest } from '../src/catalog/ColumnarCatalog.js';
import { openService } from '../src/server/openService.js';
import { silentLogger } from '../src/server/deps.js';
import { mulberry32 } from '../src/rerank/rng.js';
import { openLoop, type OpenLoopResult } from './loadgen/openLoop.js';
import { percentiles, StageStats } from './loadgen/stats.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const P99_LIMIT_MS = 200;

// ---------------------------------------------------------------- service side (child process)
async function child(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-bench-feed-'));
  const t0 = performance.now();
  const service = await openService({
    worldDir: arg('world', ''),
    bundlesDir: arg('bundles', ''),
    stateUrl: `lmdb://${path.join(tmp, 'state')}`,
    eventsUrl: `lmdb://${path.join(tmp, 'events')}`,
    logger: silentLogger,
  });
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (service.app.server.address() as { port: number }).port;
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  process.send!({ port, openSeconds: (performance.now() - t0) / 1000, trackCount: service.deps.catalog.trackCount, modelVersion: service.deps.bundles.current().version });
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd !== 'stop') return;
    clearInterval(sample);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    void service.close().finally(() => {
      fs.rmSync(tmp, { recursive: true, force: true });
      process.send!({ peakRss }, () => process.exit(0));
    });
  });
}

// ---------------------------------------------------------------- load generator (parent)
interface Ready {
  port: number;
  openSeconds: number;
  trackCount: number;
  modelVersion: string;
}

function startChild(world: string, bundles: string): Promise<{ proc: ChildProcess; ready: Ready }> {
  const self = fileURLToPath(import.meta.url);
  const proc = fork(self, ['--child', '--world', world, '--bundles', bundles], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=8192'] });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ proc, ready: m as Ready }));
    proc.once('exit', (code) => reject(new Error(`service exited with ${code} before listening`)));
  });
}

function stopChild(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    proc.on('message', (m: { peakRss?: number }) => {
      if (m.peakRss !== undefined) resolve(m.peakRss);
    });
    proc.send({ cmd: 'stop' });
  });
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '-');

function summarize(r: OpenLoopResult): { p50: number; p95: number; p99: number; max: number } {
  const [p50, p95, p99, max] = percentiles(r.latencies, [50, 95, 99, 100]);
  return { p50: p50!, p95: p95!, p99: p99!, max: max! };
}

async function main(): Promise<void> {
  const world = arg('world', '/work/data/world-8m');
  const bundles = arg('bundles', '/work/data/bundles-8m');
  const rate = Number(arg('rate', '200'));
  const duration = Number(arg('duration', '30'));
  const ramp = arg('ramp', '200,300,400,500,600,800,1000,1200').split(',').map(Number);
  const step = Number(arg('step', '15'));
  const newShare = Number(arg('new-share', '0.1'));
  const radioShare = Number(arg('radio-share', '0.1'));
  const out = arg('out', 'bench/results/feed.md');
  const manifest = readWorldManifest(path.resolve(world));
  const users = manifest.counts.users;
  const tracks = manifest.counts.tracks;

  const cpus = os.cpus();
  const machine = `${cpus[0]?.model ?? 'unknown CPU'} x ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
  const date = new Date().toISOString();
  console.log(`bench:feed  ${date}\nmachine: ${machine}\nworld: ${world} (${tracks} tracks, ${users} listeners)  bundles: ${bundles}`);

  const { proc, ready } = await startChild(world, bundles);
  console.log(`service: model ${ready.modelVersion}, ${ready.trackCount} tracks, opened in ${ready.openSeconds.toFixed(1)} s, port ${ready.port}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const rnd = mulberry32(20261125);
  const pathFor = (): string => {
    const known = rnd() >= newShare;
    const u = known ? Math.floor(rnd() * users) : users + Math.floor(rnd() * 1_000_000_000);
    if (rnd() < radioShare) return `/v1/users/u${u}/feed?surface=radio&seedTrackId=t${Math.floor(rnd() * tracks)}&limit=30`;
    return `/v1/users/u${u}/feed?surface=home&limit=30`;
  };
  const stages = new StageStats();
  const onSample = (body: string): void => {
    const r = JSON.parse(body) as { trace: { totalMs: number; stages: { name: string; ms: number }[] } };
    stages.add(r.trace.stages, r.trace.totalMs);
  };
  const base = { host: '127.0.0.1', port: ready.port, agent, path: pathFor };

  await openLoop({ ...base, rate: 100, durationS: 5 }); // warm-up: JIT, page cache, connections
  const fixed = await openLoop({ ...base, rate, durationS: duration, onSample, sampleEvery: 1 });
  const f = summarize(fixed);
  console.log(`\nfixed load ${rate} req/s for ${duration} s: ${fixed.ok} ok, ${fixed.errors} errors; latency ms p50 ${fmt(f.p50)} p95 ${fmt(f.p95)} p99 ${fmt(f.p99)} max ${fmt(f.max)}`);
  const stageRows = stages.rows();
  console.log('per-stage (server traces, ms):');
  for (const s of stageRows) console.log(`  ${s.name.padEnd(28)} mean ${fmt(s.mean).padStart(7)}  p50 ${fmt(s.p50).padStart(7)}  p99 ${fmt(s.p99).padStart(7)}  (n=${s.n})`);

  const rampRows: { rate: number; ok: number; errors: number; p50: number; p95: number; p99: number }[] = [];
  let best = 0;
  for (const r of ramp) {
    const res = await openLoop({ ...base, rate: r, durationS: step });
    const s = summarize(res);
    rampRows.push({ rate: r, ok: res.ok, errors: res.errors, p50: s.p50, p95: s.p95, p99: s.p99 });
    console.log(`ramp ${String(r).padStart(5)} req/s: p50 ${fmt(s.p50)} p95 ${fmt(s.p95)} p99 ${fmt(s.p99)} ms, ${res.errors} errors`);
    if (s.p99 <= P99_LIMIT_MS && res.errors === 0) best = r;
    else break;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let queues drain between steps
  }
  agent.destroy();
  const peakRss = await stopChild(proc);
  console.log(`\nhighest offered load with p99 <= ${P99_LIMIT_MS} ms: ${best} req/s; service peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB`);

  const command = `npm run bench:feed -- ${process.argv.slice(2).join(' ')}`.trim();
  const md = [
    '# bench:feed',
    '',
    `- date: ${date}`,
    `- command: \`${command}\``,
    `- machine: ${machine} (service and load generator share it)`,
    `- inputs: world ${world} (${tracks} tracks, ${users} listeners), model ${ready.modelVersion}; ${Math.round(newShare * 100)} % new listeners, ${Math.round(radioShare * 100)} % radio requests, limit 30; open-loop load over loopback HTTP, latency from the scheduled send time`,
    `- service: opened in ${ready.openSeconds.toFixed(1)} s, peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB`,
    '',
    `## Fixed offered load: ${rate} req/s for ${duration} s`,
    '',
    `| requests | errors | p50 ms | p95 ms | p99 ms | max ms |`,
    `|---|---|---|---|---|---|`,
    `| ${fixed.ok} | ${fixed.errors} | ${fmt(f.p50)} | ${fmt(f.p95)} | ${fmt(f.p99)} | ${fmt(f.max)} |`,
    '',
    'Per-stage breakdown from the responses\' traces (server side, ms):',
    '',
    '| stage | mean | p50 | p99 |',
    '|---|---|---|---|',
    ...stageRows.map((s) => `| ${s.name} | ${fmt(s.mean)} | ${fmt(s.p50)} | ${fmt(s.p99)} |`),
    '',
    `## Ramp (${step} s per step)`,
    '',
    '| offered req/s | ok | errors | p50 ms | p95 ms | p99 ms |',
    '|---|---|---|---|---|---|',
    ...rampRows.map((r) => `| ${r.rate} | ${r.ok} | ${r.errors} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} |`),
    '',
    `Highest offered load with p99 <= ${P99_LIMIT_MS} ms and no errors: **${best} req/s**.`,
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, md);
  console.log(`wrote ${out}`);
}

if (process.argv.includes('--child')) {
  child().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
