// `encore simulate`: closed-loop days of simulated listeners against a running Encore (docs/simulator.md).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openWorld, type World } from '../world/World.js';
import { openTruth } from '../world/truth.js';
import { Errors } from '../domain/errors.js';
import { seededRandom } from '../eval/rng.js';
import { machineLine } from '../eval/report/runEval.js';
import { serviceClient, type ServiceClient } from './client.js';
import { DayTotals, dayFigures, type DayFigures } from './dayMetrics.js';
import { SIM_MODEL, returnProbability } from './listenerModel.js';
import { encorePolicy, popularPolicy, randomPolicy, type FeedPolicy } from './policies.js';
import { runSession, type SessionContext } from './session.js';
import { startService, trainWithCli, waitReady, type RunningService } from './service.js';
import { learningEffect, type LearningEffect } from './learningEffect.js';
import { loadBundle } from '../model/loadBundle.js';
import { readAllEvents } from '../storage/open.js';
import type { ListenEvent } from '../domain/events.js';
import type { Truth } from '../world/truth.js';

export const POLICIES = ['encore', 'popular', 'random'] as const;
export type PolicyName = (typeof POLICIES)[number];
const DAY_MS = 86_400_000;

export interface SimOptions {
  readonly world: string;
  readonly days: number;
  readonly listeners: number;
  readonly policy: PolicyName;
  /** A service already running on this world; null = start one. */
  readonly url: string | null;
  /** Bundle directory: with --url, the one the service watches (retraining writes there); else the initial bundle's source (latest version), or null to train one. */
  readonly bundles: string | null;
  /** With --url: the service's event log, for retraining; null = no retraining. */
  readonly eventsLog: string | null;
  readonly out: string;
  readonly seed: number;
  readonly port: number;
  readonly apiKey: string | null;
  readonly retrain: boolean;
  /** Listeners simulated at once (HTTP requests in flight). */
  readonly concurrency: number;
  /** Without --url: experiments file handed to `encore serve --experiment`. */
  readonly experiment: string | null;
  readonly log: (s: string) => void;
}

export interface SimReport {
  readonly command: string;
  readonly date: string;
  readonly machine: string;
  readonly world: string;
  readonly policy: PolicyName;
  readonly listeners: number;
  readonly days: number;
  readonly seed: number;
  readonly model: typeof SIM_MODEL;
  readonly perDay: DayFigures[];
  /** Days 1.. of a retraining Encore run: learning and cohort effects apart (src/sim/learningEffect.ts). */
  readonly learning: LearningEffect[];
  readonly seconds: number;
}

/** L distinct listeners of the world, seeded partial Fisher-Yates. */
export function sampleListeners(count: number, want: number, seed: number): Int32Array {
  const idx = Int32Array.from({ length: count }, (_, i) => i);
  const rand = seededRandom(seed);
  const n = Math.min(want, count);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (count - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, n).sort();
}

function knownArtists(world: World, listeners: Int32Array): Map<number, Set<number>> {
  const m = new Map<number, Set<number>>();
  const ev = world.events;
  const artist = world.catalog.columns.artist;
  for (const u of listeners) {
    const s = new Set<number>();
    for (let i = ev.userStart[u]!; i < ev.userStart[u + 1]!; i++) s.add(artist[ev.track[i]!]!);
    m.set(u, s);
  }
  return m;
}

function latestBundle(dir: string): string {
  const versions = bundleVersions(dir);
  if (versions.length === 0) throw Errors.badRequest(`no bundle in ${dir}`);
  return path.join(dir, versions[versions.length - 1]!);
}

interface Wiring {
  readonly client: ServiceClient;
  readonly bundles: string | null;
  readonly eventsLog: string | null;
  readonly service: RunningService | null;
}

async function wire(o: SimOptions): Promise<Wiring> {
  if (o.url) return { client: serviceClient(o.url, o.apiKey), bundles: o.bundles, eventsLog: o.eventsLog, service: null };
  const bundles = path.join(o.out, 'bundles');
  const events = path.join(o.out, 'events');
  fs.rmSync(bundles, { recursive: true, force: true });
  fs.rmSync(events, { recursive: true, force: true });
  fs.mkdirSync(bundles, { recursive: true });
  if (o.bundles) {
    const src = latestBundle(o.bundles);
    fs.cpSync(src, path.join(bundles, path.basename(src)), { recursive: true });
  } else await trainWithCli(o.world, bundles, null, o.log);
  // The service it starts accepts one key: the given one, or a fresh random secret.
  const apiKey = o.apiKey ?? randomBytes(16).toString('hex');
  const service = startService({ world: o.world, bundles, events: `lmdb://${events}`, port: o.port, experiment: o.experiment, apiKey });
  return { client: serviceClient(service.url, apiKey), bundles, eventsLog: `lmdb://${events}`, service };
}

async function pool<T>(items: readonly T[], width: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
}

function bundleVersions(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => !n.startsWith('.') && fs.existsSync(path.join(dir, n, 'manifest.json'))).sort();
}

/** Before day d's sessions: the fixed panel under the first and the newest bundle (null when nothing was retrained). */
async function probeLearning(world: World, truth: Truth, w: Wiring, first: string, listeners: Int32Array, returning: ReadonlySet<number>, atMs: number, day: number): Promise<LearningEffect | null> {
  if (!w.bundles || !w.eventsLog) return null;
  const versions = bundleVersions(w.bundles);
  if (!versions.includes(first) || versions[versions.length - 1] === first) return null;
  const events: ListenEvent[] = [];
  for await (const page of readAllEvents(w.eventsLog)) events.push(...page);
  const baseline = await loadBundle(path.join(w.bundles, first), { verify: 'sizes' });
  const current = await loadBundle(path.join(w.bundles, versions[versions.length - 1]!), { verify: 'sizes' });
  try {
    return await learningEffect({ world, truth, listeners, returning, baseline, current, events, atMs, day });
  } finally {
    baseline.close();
    current.close();
  }
}

function policyFor(name: PolicyName, world: World, client: ServiceClient): FeedPolicy {
  return name === 'encore' ? encorePolicy(world, client) : name === 'popular' ? popularPolicy(world) : randomPolicy(world);
}

export async function runSimulation(o: SimOptions, command: string): Promise<SimReport> {
  if (!(Number.isInteger(o.days) && o.days >= 1 && Number.isInteger(o.listeners) && o.listeners >= 1)) throw Errors.badRequest('--days and --listeners must be positive integers');
  const started = performance.now();
  const world = openWorld(o.world);
  if (world.manifest.source !== 'synthetic') throw Errors.badRequest('the simulator needs a synthetic world (its hidden truth model); imported worlds have none');
  const truth = openTruth(world.dir, world.catalog);
  fs.mkdirSync(o.out, { recursive: true });
  const w = await wire(o);
  try {
    let version = await waitReady(w.client, null, 180_000);
    const firstVersion = version;
    const listeners = sampleListeners(world.users.count, o.listeners, o.seed);
    const ctxBase = { world, truth, policy: policyFor(o.policy, world, w.client), client: w.client, knownArtists: knownArtists(world, listeners) };
    const lastShare = new Map<number, number | null>();
    const perDay: DayFigures[] = [];
    const learning: LearningEffect[] = [];
    const dayZero = Date.now() - o.days * DAY_MS;
    for (let day = 0; day < o.days; day++) {
      const totals = new DayTotals();
      const ctx: SessionContext = { ...ctxBase, eventPrefix: `sim-${o.policy}-${o.seed}-d${day}` };
      const active = Array.from(listeners).filter((u) => day === 0 || seededRandom((o.seed * 7919 + day * 104729 + u) >>> 0)() < returnProbability(lastShare.get(u) ?? null));
      for (const u of listeners) if (!active.includes(u)) lastShare.set(u, null);
      totals.active = active.length;
      const probe = day > 0 && o.policy === 'encore' && o.retrain ? await probeLearning(world, truth, w, firstVersion, listeners, new Set(active), dayZero + day * DAY_MS, day) : null;
      if (probe) {
        learning.push(probe);
        o.log(`simulate encore day ${day}: learning effect on the fixed panel of ${probe.panel} ${probe.learning.estimate.toFixed(4)} [${probe.learning.low.toFixed(4)}, ${probe.learning.high.toFixed(4)}], cohort effect ${probe.cohort.estimate.toFixed(4)} (truth appeal)`);
      }
      await pool(active, o.concurrency, async (u) => {
        const rand = seededRandom((o.seed * 31 + day * 1_000_003 + u * 17 + 1) >>> 0);
        const start = dayZero + day * DAY_MS + Math.floor(rand() * 20 * 3_600_000);
        lastShare.set(u, await runSession(ctx, u, start, rand, totals));
      });
      const fig = dayFigures(day, o.policy, version, totals, world.catalog.trackCount);
      perDay.push(fig);
      o.log(`simulate ${o.policy} day ${day}: ${fig.activeListeners} listeners, completion ${(100 * fig.completionRate).toFixed(1)} %, appeal ${fig.meanAppeal.toFixed(3)}, ${fig.minutesPerSession.toFixed(1)} min/session (bundle ${version})`);
      if (day < o.days - 1 && o.policy === 'encore' && o.retrain && w.bundles && w.eventsLog) {
        await trainWithCli(o.world, w.bundles, w.eventsLog, o.log);
        version = await waitReady(w.client, version, 300_000);
      }
    }
    return { command, date: new Date().toISOString(), machine: machineLine(), world: world.dir, policy: o.policy, listeners: listeners.length, days: o.days, seed: o.seed, model: SIM_MODEL, perDay, learning, seconds: (performance.now() - started) / 1000 };
  } finally {
    await w.service?.stop();
  }
}
