// Feed benchmark: the service in a child process (world + bundles at full scale by default), an
// open-loop load generator over loopback HTTP with random known and new listeners.
//   1. warm-up, then a fixed offered load (default 200 req/s for 30 s): p50 / p95 / p99 and the
//      per-stage breakdown from the responses' traces;
//   2. a ramp of offered loads to find the highest one whose p99 stays within 200 ms.
//
//   npm run bench:feed [-- --world /work/data/world-8m --bundles /work/data/bundles-8m --rate 200 --duration 30
//                         --ramp 200,300,400,500,600,800,1000 --step 15 --new-share 0.1 --radio-share 0.1 --workers 2
//                         --scheduling lifo|fifo]   (the load generator's socket reuse; lifo, Node's default, sends most
//                         requests on the connection freed last, so one worker gets most of a light load)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { CATALOG_FILES, readWorldManifest } from '../src/catalog/ColumnarCatalog.js';
import { IdDictionary } from '../src/catalog/IdDictionary.js';
import { USER_FILES } from '../src/world/generateUsers.js';
import { mulberry32 } from '../src/rerank/rng.js';
import { openLoop, type OpenLoopResult } from './loadgen/openLoop.js';
import { percentiles, StageStats } from './loadgen/stats.js';
import { serviceHugeMapped, serviceProcessCount, servicePeakRss, servicePrivate, servicePss, startService, stopService } from './loadgen/service.js';
import { startFloor } from './loadgen/floor.js';
import { measureCpuYardstick } from './loadgen/cpuYardstick.js';
import { columnsOf } from '../src/world/columnReader.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const P99_LIMIT_MS = 200;
/** Capacity: the highest offered load whose feeds are at most this share degraded (p99 within the budget, no errors). */
const MAX_DEGRADED_SHARE = 0.01;

// ---------------------------------------------------------------- load generator (parent)
const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '-');

/** The answers other than 200 by status ("0" = no answer: socket error or client timeout), e.g. "503 x 4". */
function errorStatuses(r: OpenLoopResult): string {
  const parts = [...r.statuses].filter(([status]) => status !== 200).map(([status, n]) => `${status} x ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

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
  // The world's own ids (a generated world's t…/u…, an imported world's originals), never built from numbers.
  const userIds = IdDictionary.read(columnsOf(path.resolve(world), manifest.files), USER_FILES.ids);
  const trackIds = IdDictionary.read(columnsOf(path.resolve(world), manifest.files), CATALOG_FILES.trackIds);

  const scheduling = arg('scheduling', 'lifo');
  if (scheduling !== 'lifo' && scheduling !== 'fifo') throw new Error(`--scheduling must be lifo or fifo, got "${scheduling}"`);
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model ?? 'unknown CPU'} x ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; load average before the run ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (shared machine)`;
  const date = new Date().toISOString();
  // Before the service starts, so that nothing else of this run competes with it.
  const yardstick = measureCpuYardstick();
  console.log(`bench:feed  ${date}\nmachine: ${machine}; CPU yardstick ${fmt(yardstick.medianMs)} ms (${yardstick.description})\nworld: ${world} (${tracks} tracks, ${users} listeners)  bundles: ${bundles}`);

  const workers = Number(arg('workers', '2')); // the feed is CPU-bound: one process per core
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-bench-feed-'));
  // The limiter is not what this measures (one load generator address); checksums were verified when the bundle was
  // written and are checked at load by the swap benchmark, so the start here checks sizes only.
  const { proc, ready } = await startService(world, bundles, workers, tmp, 0, { args: ['--rate-limit', '0', '--verify-bundles', 'sizes', '--verify-world', 'sizes'] });
  console.log(`service: ${workers} process(es), model ${ready.modelVersion}, ${ready.trackCount} tracks, opened in ${ready.openSeconds.toFixed(1)} s, port ${ready.port}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, scheduling });
  const rnd = mulberry32(20261125);
  const pathFor = (): string => {
    const known = rnd() >= newShare;
    const user = encodeURIComponent(known ? userIds.idAt(Math.floor(rnd() * users)) : `bench-new-listener-${Math.floor(rnd() * 1_000_000_000)}`);
    if (rnd() < radioShare) return `/v1/users/${user}/feed?surface=radio&seedTrackId=${encodeURIComponent(trackIds.idAt(Math.floor(rnd() * tracks)))}&limit=30`;
    return `/v1/users/${user}/feed?surface=home&limit=30`;
  };
  const stages = new StageStats();
  const degraded = new Map<string, number>();
  let sampled = 0;
  /** Distinct reasons per home feed: "Because you played X" should name different X for different items. */
  const distinctReasons: number[] = [];
  const onSample = (body: string): void => {
    const r = JSON.parse(body) as { surface: string; items: { reason: string }[]; trace: { totalMs: number; stages: { name: string; ms: number }[] }; degraded: { component: string }[] };
    stages.add(r.trace.stages, r.trace.totalMs);
    sampled++;
    if (r.surface === 'home' && r.items.length > 0) distinctReasons.push(new Set(r.items.map((i) => i.reason)).size);
    for (const d of r.degraded) degraded.set(d.component, (degraded.get(d.component) ?? 0) + 1);
  };
  const base = { host: '127.0.0.1', port: ready.port, agent, path: pathFor };

  await openLoop({ ...base, rate: 100, durationS: 5 }); // warm-up: JIT, page cache, connections

  // Service time: one request at a time (no queueing), the floor under any offered load.
  const sequentialN = Number(arg('sequential', '500'));
  const seqLatencies = new Float64Array(sequentialN);
  // The pipeline's own time of each sequential request (its trace's totalMs), read after the clock stops.
  const seqPipeline = new Float64Array(sequentialN);
  for (let i = 0; i < sequentialN; i++) {
    const t = performance.now();
    const body = await new Promise<string>((resolve) => {
      http.get({ host: '127.0.0.1', port: ready.port, path: pathFor(), agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      }).on('error', () => resolve(''));
    });
    seqLatencies[i] = performance.now() - t;
    seqPipeline[i] = body.startsWith('{') ? ((JSON.parse(body) as { trace?: { totalMs?: number } }).trace?.totalMs ?? NaN) : NaN;
  }
  const [s50, s99] = percentiles(seqLatencies, [50, 99]);
  const [p50Pipeline, p99Pipeline] = percentiles(seqPipeline.filter(Number.isFinite), [50, 99]);
  let seqSum = 0;
  for (const x of seqLatencies) seqSum += x;
  const seqMean = seqSum / sequentialN;
  console.log(`\nservice time, ${sequentialN} sequential requests: mean ${fmt(seqMean)} p50 ${fmt(s50!)} p99 ${fmt(s99!)} ms (one process saturates near ${Math.round(1000 / seqMean)} req/s); pipeline (server trace) p50 ${fmt(p50Pipeline!)} p99 ${fmt(p99Pipeline!)} ms`);
  // One response in 4 is parsed for its trace (as in the ramp): parsing every 8 KB body would make the load
  // generator, which shares the 2 cores, part of what is measured.
  const fixed = await openLoop({ ...base, rate, durationS: duration, onSample, sampleEvery: 4 });
  const f = summarize(fixed);
  const [late99] = percentiles(fixed.sendLateness, [99]);
  console.log(`\nfixed load ${rate} req/s for ${duration} s: ${fixed.ok} ok, ${fixed.errors} errors (${errorStatuses(fixed)}); latency ms p50 ${fmt(f.p50)} p95 ${fmt(f.p95)} p99 ${fmt(f.p99)} max ${fmt(f.max)}; generator late p99 ${fmt(late99!)} ms`);
  const stageRows = stages.rows();
  console.log('per-stage (server traces, ms):');
  for (const s of stageRows) console.log(`  ${s.name.padEnd(28)} mean ${fmt(s.mean).padStart(7)}  p50 ${fmt(s.p50).padStart(7)}  p99 ${fmt(s.p99).padStart(7)}  (n=${s.n})`);

  const pss = servicePss(proc.pid!);
  const processes = serviceProcessCount(proc.pid!);
  const privateBytes = servicePrivate(proc.pid!);
  const mib = (b: number): string => (b / 2 ** 20).toFixed(0);
  const huge = serviceHugeMapped(proc.pid!);
  const privateLine = `private memory per process (primary first) ${privateBytes.map(mib).join(' / ')} MiB; mapped file pages in 2 MiB pages ${mib(huge.hugeBytes)} of ${mib(huge.fileBytes)} MiB (all processes)`;
  console.log(`service memory after the fixed load: PSS ${(pss / 2 ** 30).toFixed(2)} GiB over ${processes} process(es); ${privateLine}`);

  // The floor, same run, same load generator: a static server answering with a real feed body of this run.
  const floor = await measureFloor(ready.port, agent, sequentialN, rate, duration);
  const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(1)}x` : '-');
  console.log(
    `floor (static ${floor.bodyBytes}-byte body): sequential p50 ${fmt(floor.seq50)} p99 ${fmt(floor.seq99)} ms; ${rate} req/s p50 ${fmt(floor.p50)} p99 ${fmt(floor.p99)} ms` +
      ` -> feed / floor: sequential p50 ${ratio(s50!, floor.seq50)}, ${rate} req/s p50 ${ratio(f.p50, floor.p50)}, p99 ${ratio(f.p99, floor.p99)}`,
  );

  const degradedText = degraded.size === 0 ? 'none' : [...degraded].map(([c, n]) => `${c} in ${n} of ${sampled} responses`).join(', ');
  console.log(`degraded: ${degradedText}`);
  const [r50, r10, r90] = percentiles(Float64Array.from(distinctReasons), [50, 10, 90]);
  const reasonsText = `median ${r50} distinct reasons per home feed of 30 (10th percentile ${r10}, 90th ${r90}; ${distinctReasons.length} feeds, known and new listeners)`;
  console.log(`reasons: ${reasonsText}`);

  const rampRows: { rate: number; ok: number; errors: number; statuses: string; p50: number; p95: number; p99: number; degradedShare: number }[] = [];
  let best = 0;
  let capacity = 0;
  for (const r of ramp) {
    let rampSampled = 0;
    let rampDegraded = 0;
    const res = await openLoop({
      ...base,
      rate: r,
      durationS: step,
      sampleEvery: 4,
      onSample: (body) => {
        rampSampled++;
        if ((JSON.parse(body) as { degraded: unknown[] }).degraded.length > 0) rampDegraded++;
      },
    });
    const s = summarize(res);
    const degradedShare = rampSampled > 0 ? rampDegraded / rampSampled : 0;
    rampRows.push({ rate: r, ok: res.ok, errors: res.errors, statuses: errorStatuses(res), p50: s.p50, p95: s.p95, p99: s.p99, degradedShare });
    console.log(`ramp ${String(r).padStart(5)} req/s: p50 ${fmt(s.p50)} p95 ${fmt(s.p95)} p99 ${fmt(s.p99)} ms, ${res.errors} errors, ${(100 * degradedShare).toFixed(1)} % degraded`);
    if (s.p99 <= P99_LIMIT_MS && res.errors === 0) best = r;
    else break;
    if (degradedShare <= MAX_DEGRADED_SHARE) capacity = r;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let queues drain between steps
  }
  agent.destroy();
  const peakRss = servicePeakRss(proc.pid!);
  await stopService(proc);
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`\nhighest offered load with p99 <= ${P99_LIMIT_MS} ms: ${best} req/s; capacity (<= ${100 * MAX_DEGRADED_SHARE} % degraded): ${capacity} req/s; service peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB`);

  const command = `npm run bench:feed -- ${process.argv.slice(2).join(' ')}`.trim();
  const md = [
    '# bench:feed',
    '',
    `- date: ${date}`,
    `- command: \`${command}\``,
    `- machine: ${machine} (service and load generator share it); CPU yardstick ${fmt(yardstick.medianMs)} ms (${yardstick.description}; bench/loadgen/cpuYardstick.ts: compare absolute times of two runs in units of it)`,
    `- inputs: world ${world} (${tracks} tracks, ${users} listeners), model ${ready.modelVersion}; ${Math.round(newShare * 100)} % new listeners, ${Math.round(radioShare * 100)} % radio requests, limit 30; open-loop load over loopback HTTP (keep-alive agent, ${scheduling} socket reuse: \`--scheduling fifo\` spreads requests evenly over the connections, and so over the workers), latency from the scheduled send time`,
    `- service: \`encore serve\` with ${workers} process(es), embedded LMDB storage; opened in ${ready.openSeconds.toFixed(1)} s, peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB (all processes, shared mappings counted in each); PSS after the fixed load ${(pss / 2 ** 30).toFixed(2)} GiB over ${processes} process(es) (shared pages counted once); ${privateLine}`,
    '',
    `## Against the floor (same run, same load generator)`,
    '',
    `The floor is a static Node \`http\` server in its own process answering every request with one real ${floor.bodyBytes}-byte feed body of this run.`,
    '',
    '| figure | feed | floor | feed / floor |',
    '|---|---|---|---|',
    `| sequential p50 | ${fmt(s50!)} ms | ${fmt(floor.seq50)} ms | ${ratio(s50!, floor.seq50)} |`,
    `| sequential p99 | ${fmt(s99!)} ms | ${fmt(floor.seq99)} ms | ${ratio(s99!, floor.seq99)} |`,
    `| ${rate} req/s p50 | ${fmt(f.p50)} ms | ${fmt(floor.p50)} ms | ${ratio(f.p50, floor.p50)} |`,
    `| ${rate} req/s p99 | ${fmt(f.p99)} ms | ${fmt(floor.p99)} ms | ${ratio(f.p99, floor.p99)} |`,
    '',
    `## Service time (${sequentialN} sequential requests, no queueing)`,
    '',
    `mean ${fmt(seqMean)} ms, p50 ${fmt(s50!)} ms, p99 ${fmt(s99!)} ms: one process saturates near ${Math.round(1000 / seqMean)} req/s. ` +
      `The pipeline's own time (the responses' trace totalMs, context to response): **p50 ${fmt(p50Pipeline!)} ms**, p99 ${fmt(p99Pipeline!)} ms; p50 in CPU yardsticks: ${(p50Pipeline! / yardstick.medianMs).toFixed(3)}.`,
    '',
    `## Fixed offered load: ${rate} req/s for ${duration} s`,
    '',
    `| requests | errors (status x count) | p50 ms | p95 ms | p99 ms | max ms | generator late p99 ms |`,
    `|---|---|---|---|---|---|---|`,
    `| ${fixed.ok} | ${fixed.errors} (${errorStatuses(fixed)}) | ${fmt(f.p50)} | ${fmt(f.p95)} | ${fmt(f.p99)} | ${fmt(f.max)} | ${fmt(late99!)} |`,
    '',
    'Per-stage breakdown from the responses\' traces (server side, ms):',
    '',
    '| stage | mean | p50 | p99 |',
    '|---|---|---|---|',
    ...stageRows.map((s) => `| ${s.name} | ${fmt(s.mean)} | ${fmt(s.p50)} | ${fmt(s.p99)} |`),
    '',
    `Degraded components at this load: ${degradedText}.`,
    '',
    `Reasons: ${reasonsText}.`,
    '',
    `## Ramp (${step} s per step)`,
    '',
    '| offered req/s | ok | errors | p50 ms | p95 ms | p99 ms | degraded responses |',
    '|---|---|---|---|---|---|---|',
    ...rampRows.map((r) => `| ${r.rate} | ${r.ok} | ${r.errors}${r.errors > 0 ? ` (${r.statuses})` : ""} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${(100 * r.degradedShare).toFixed(1)} % |`),
    '',
    `Highest offered load with p99 <= ${P99_LIMIT_MS} ms and no errors: **${best} req/s**; capacity with at most ${100 * MAX_DEGRADED_SHARE} % of feeds degraded: **${capacity} req/s**. "Degraded" responses are full feeds`,
    'in which a component was skipped (e.g. AnnSource shed under load: its shedAfterMs in src/surfaces), sampled 1 in 4.',
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, md);
  console.log(`wrote ${out}`);
}

/** The static floor at the same sequential count and fixed rate, its body a real home feed of the service. */
async function measureFloor(servicePort: number, agent: http.Agent, sequentialN: number, rate: number, duration: number): Promise<{ bodyBytes: number; seq50: number; seq99: number; p50: number; p99: number }> {
  const body = await new Promise<string>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: servicePort, path: '/v1/users/u1/feed?surface=home&limit=30', agent }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (b += c));
      res.on('end', () => resolve(b));
    }).on('error', reject);
  });
  const floor = await startFloor(body);
  try {
    const floorAgent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
    const base = { host: '127.0.0.1', port: floor.port, agent: floorAgent, path: () => '/v1/users/u1/feed?surface=home&limit=30' };
    await openLoop({ ...base, rate: 100, durationS: 2 });
    const seq = new Float64Array(sequentialN);
    for (let i = 0; i < sequentialN; i++) {
      const t = performance.now();
      await new Promise<void>((resolve) => {
        http.get({ host: '127.0.0.1', port: floor.port, path: base.path(), agent: floorAgent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        }).on('error', () => resolve());
      });
      seq[i] = performance.now() - t;
    }
    const [seq50, seq99] = percentiles(seq, [50, 99]);
    const fixed = summarize(await openLoop({ ...base, rate, durationS: duration }));
    floorAgent.destroy();
    return { bodyBytes: Buffer.byteLength(body), seq50: seq50!, seq99: seq99!, p50: fixed.p50, p99: fixed.p99 };
  } finally {
    await floor.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
