// Training benchmark (issue 11, point 4): a full retrain from nothing, then a day of new events and a warm
// retrain from that bundle, each in a child process (`encore train`), with wall time, peak RSS and phases;
// then the time the service needs to load the new bundle (what a live swap waits for).
//   npm run bench:train -- [--world /work/data/world-8m] [--bundles DIR] [--events 1000000] [--skip-full]
//                          [--out bench/results/train.md]
// The day of new events replays events of the world's own history, drawn at random, as new events of the next
// day (new event ids, timestamps after the world's end): the same listeners, tracks and event mix a real day of
// the same service would bring, written into an LMDB event log that `encore train --events-log` merges.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bar, Presets } from 'cli-progress';
import { openWorld } from '../src/world/World.js';
import { openEventLog } from '../src/storage/open.js';
import { EVENT_TYPE_NAMES, type ListenEvent } from '../src/domain/events.js';
import { mulberry32 } from '../src/rerank/rng.js';
import { FsBundleStore } from '../src/storage/FsBundleStore.js';
import { loadBundle } from '../src/model/loadBundle.js';

const argv = process.argv.slice(2);
const get = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};

interface TrainRun {
  readonly seconds: number;
  readonly peakRssMb: number;
  /** Peak anonymous + shared memory: what the run could not give back (clean mapped file pages excluded). */
  readonly peakAnonMb: number;
  readonly line: string;
}

const encore = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'encore.js');

/** `encore train ...` in a child; its summary line carries time, peak RSS and phases. */
function train(args: string[]): Promise<TrainRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [encore, 'train', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`encore train exited with ${code}`));
      const line = out.trim().split('\n').filter((l) => l.startsWith('trained bundle')).pop() ?? '';
      const rss = /peak RSS (\d+) MB/.exec(line);
      const anon = /peak RSS \d+ MB, anonymous (\d+) MB/.exec(line);
      resolve({ seconds: (performance.now() - t0) / 1000, peakRssMb: rss ? Number(rss[1]) : NaN, peakAnonMb: anon ? Number(anon[1]) : NaN, line });
    });
  });
}

async function writeDayOfEvents(worldDir: string, url: string, count: number): Promise<number> {
  const world = openWorld(worldDir, { verify: 'sizes' });
  const ev = world.events;
  const rnd = mulberry32(20261202);
  const log = await openEventLog(url);
  const bar = new Bar({ format: 'new events [{bar}] {percentage}% | {value}/{total}' }, Presets.shades_classic);
  bar.start(count, 0);
  const t0 = performance.now();
  const day = 86_400_000;
  try {
    for (let done = 0; done < count; ) {
      const batch: ListenEvent[] = [];
      for (let i = 0; i < 1000 && done + i < count; i++) {
        const e = Math.floor(rnd() * ev.count);
        const type = EVENT_TYPE_NAMES[ev.type[e]! - 1]!;
        if (type === 'follow_artist' || type === 'ban_artist') continue;
        batch.push({
          eventId: `bench-day-${done + i}`,
          type,
          userId: world.users.ids.idAt(ev.user[e]!),
          trackId: world.catalog.trackIds.idAt(ev.track[e]!),
          timestamp: world.manifest.nowMs + Math.floor(rnd() * day),
          ...(type === 'skip' ? { position: ev.positionMs[e]! } : {}),
        });
      }
      await log.append(batch);
      done += 1000;
      bar.update(Math.min(done, count));
    }
  } finally {
    bar.stop();
    await log.close();
  }
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const worldDir = path.resolve(get('--world', '/work/data/world-8m'));
  const bundles = path.resolve(get('--bundles', '/work/data/bench-train-bundles'));
  const events = Number(get('--events', '1000000'));
  const out = get('--out', 'bench/results/train.md');
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
  const lines: string[] = [];
  const say = (s: string): void => {
    console.log(s);
    lines.push(s);
  };
  let full: TrainRun | null = null;
  if (!argv.includes('--skip-full')) {
    fs.rmSync(bundles, { recursive: true, force: true });
    full = await train(['--world', worldDir, '--bundles', bundles, '--warm-start', 'off']);
  }
  const from = await new FsBundleStore(bundles).current();
  if (!from) throw new Error(`no bundle in ${bundles} to warm-start from (drop --skip-full)`);
  const logDir = fs.mkdtempSync(path.join(path.dirname(bundles), 'bench-train-events-'));
  const url = `lmdb://${logDir}`;
  const writeS = await writeDayOfEvents(worldDir, url, events);
  const warm = await train(['--world', worldDir, '--bundles', bundles, '--events-log', url, '--warm-start', 'auto']);
  const store = new FsBundleStore(bundles);
  const newest = await store.current();
  const t0 = performance.now();
  const b = await loadBundle(store.path(newest!), { verify: 'full' });
  const loadS = (performance.now() - t0) / 1000;
  b.close();
  fs.rmSync(logDir, { recursive: true, force: true });
  const cpus = os.cpus();
  say('# bench:train');
  say('');
  say(`- date: ${new Date().toISOString()}`);
  say(`- command: \`npm run bench:train -- ${argv.join(' ')}\``);
  say(`- machine: ${cpus[0]?.model} x ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; load average at the start ${load} (shared machine), ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} at the end`);
  say(`- world: ${worldDir}; a day of ${events} new events replayed from its history into ${url} in ${writeS.toFixed(1)} s`);
  say('');
  const gb = (mb: number): string => (Number.isFinite(mb) ? `${(mb / 1024).toFixed(2)} GB` : 'n/a');
  say('| run | wall | peak RSS | peak anonymous + shared | `encore train` summary |');
  say('|---|---|---|---|---|');
  if (full) say(`| full retrain from nothing | ${full.seconds.toFixed(1)} s | ${gb(full.peakRssMb)} | ${gb(full.peakAnonMb)} | ${full.line} |`);
  say(`| warm retrain after ${events} new events (--events-log, --warm-start auto) | ${warm.seconds.toFixed(1)} s | ${gb(warm.peakRssMb)} | ${gb(warm.peakAnonMb)} | ${warm.line} |`);
  say(`| load of the new bundle with full checksums (what a live swap waits for) | ${loadS.toFixed(1)} s | - | - | - |`);
  say('');
  say(`New events to a live bundle: ${(warm.seconds + loadS).toFixed(1)} s (warm retrain + load).`);
  say('');
  say('Peak RSS counts every resident page, also clean pages of files mapped read-only (a warm retrain maps the previous');
  say("bundle's item factors and reads them once): page cache the kernel can drop. Peak anonymous + shared is RssAnon +");
  say('RssShmem of /proc/self/status sampled every 50 ms and at each phase end (src/training/memoryPeaks.ts): what the run');
  say('holds and cannot give back; a spike shorter than 50 ms can be missed.');
  fs.writeFileSync(out, lines.join('\n') + '\n');
}

await main();
