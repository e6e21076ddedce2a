// `encore eval`: Encore and the baselines on one split, every metric, and Encore against the best baseline.
import os from 'node:os';
import { bootstrapMean, DEFAULT_BOOTSTRAP, type BootstrapOptions } from '../stats/bootstrap.js';
import { pairedTTest } from '../stats/pairedTest.js';
import { artistExposureGini, catalogCoverage, intraListDiversity, novelty, type Lists } from './listMetrics.js';
import { mean, perUserAccuracy, recommenderLists, type PerUserAccuracy } from './perUser.js';
import { exclusionsOf, trainUserCounts, usersWithRows, type EvalData } from './evalData.js';
import { baselineSpecs } from './baselineSpecs.js';
import { innerSplit, tuneOnInner, type TuneResult } from './tune.js';
import { tuneEncore } from './tuneEncore.js';
import { encoreLists } from './encoreLists.js';
import type { EvalReport, ModelRow, PairedComparison } from './types.js';

export interface EvalOptions {
  readonly k: number;
  readonly diversity: boolean;
  /** Tune every model's hyper-parameter on the inner validation split (else the defaults). */
  readonly tune: boolean;
  readonly easeMaxItems: number;
  readonly bootstrap: BootstrapOptions;
  readonly command: string;
  readonly log: (line: string) => void;
}

export const DEFAULT_EVAL: Omit<EvalOptions, 'command' | 'log'> = { k: 20, diversity: true, tune: true, easeMaxItems: 6000, bootstrap: DEFAULT_BOOTSTRAP };

interface Scored {
  readonly row: ModelRow;
  readonly acc: PerUserAccuracy;
}

function score(data: EvalData, name: string, settings: string, lists: Lists, seconds: number, tuning: TuneResult | null, k: number): Scored {
  const users = data.evalUsers;
  const acc = perUserAccuracy(lists, data.test, users, k);
  const row: ModelRow = {
    name,
    settings,
    recall: mean(acc.recall),
    ndcg: mean(acc.ndcg),
    coverage: catalogCoverage(lists, users, data.items),
    artistGini: artistExposureGini(lists, users, data.itemArtist, data.artistCount),
    artistDiversity: intraListDiversity(lists, users, data.itemArtist),
    genreDiversity: intraListDiversity(lists, users, data.itemGenre),
    novelty: novelty(lists, users, trainUserCounts(data.train), usersWithRows(data.train)),
    seconds,
    tuning,
  };
  return { row, acc };
}

async function runBaselines(data: EvalData, opts: EvalOptions, skipped: EvalReport['skipped']): Promise<Scored[]> {
  const inner = opts.tune ? innerSplit(data.train) : null;
  const out: Scored[] = [];
  for (const spec of baselineSpecs(opts.easeMaxItems)) {
    const why = spec.skipReason(data.train);
    if (why) {
      skipped.push({ name: spec.name, reason: why });
      opts.log(`eval: ${spec.name} skipped: ${why}`);
      continue;
    }
    const t0 = performance.now();
    const tuning = inner ? await tuneOnInner(spec, inner, opts.k) : null;
    const value = tuning?.chosen ?? spec.defaultValue;
    const rec = await spec.fit(data.train, value);
    const lists = recommenderLists(rec, exclusionsOf(data), data.evalUsers, opts.k, data.users);
    const settings = spec.parameter ? `${spec.parameter} = ${value}${tuning ? ' (tuned)' : ' (default)'}` : '';
    const s = score(data, spec.name, settings, lists, (performance.now() - t0) / 1000, tuning, opts.k);
    opts.log(`eval: ${spec.name} ${settings}: NDCG@${opts.k} ${s.row.ndcg.toFixed(4)} (${s.row.seconds.toFixed(1)} s)`);
    out.push(s);
  }
  return out;
}

function compare(encore: Scored, best: Scored, opts: EvalOptions): PairedComparison {
  const d = new Float64Array(encore.acc.ndcg.length);
  for (let i = 0; i < d.length; i++) d[i] = encore.acc.ndcg[i]! - best.acc.ndcg[i]!;
  return {
    encore: encore.row.name,
    baseline: best.row.name,
    users: d.length,
    ndcgDifference: bootstrapMean(d, opts.bootstrap),
    bootstrap: { resamples: opts.bootstrap.resamples, seed: opts.bootstrap.seed, level: opts.bootstrap.level },
    test: pairedTTest(d),
    differences: Array.from(d),
  };
}

export function machineLine(): string {
  return `${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}

export async function runEval(data: EvalData, opts: EvalOptions): Promise<EvalReport> {
  const skipped: EvalReport['skipped'] = [];
  opts.log(`eval: ${data.description}`);
  const baselines = await runBaselines(data, opts, skipped);
  const t0 = performance.now();
  const tuned = opts.tune ? await tuneEncore(data, opts.k, opts.diversity, opts.log) : null;
  const run = await encoreLists(data, { k: opts.k, diversity: opts.diversity, lambda: tuned?.chosen ?? null, quiet: true });
  const name = `Encore${opts.diversity ? '' : ' (no diversity rules)'}`;
  const encore = score(data, name, run.note + (tuned ? ' (tuned)' : ''), run.lists, (performance.now() - t0) / 1000, tuned, opts.k);
  opts.log(`eval: ${name}: NDCG@${opts.k} ${encore.row.ndcg.toFixed(4)} (${encore.row.seconds.toFixed(1)} s)`);
  const best = baselines.reduce<Scored | null>((a, b) => (a === null || b.row.ndcg > a.row.ndcg ? b : a), null);
  return {
    command: opts.command,
    date: new Date().toISOString(),
    machine: machineLine(),
    data: data.description,
    k: opts.k,
    tuning: opts.tune
      ? 'each model\'s hyper-parameter chosen by NDCG@K on an inner validation split of the TRAINING part (never the test part): ' +
        'baselines on a per-listener random 20 % of the training positives (seed 99, up to 500 listeners); Encore on ' +
        (data.encore.kind === 'world' ? 'an inner time split (the last days of the training part held out)' : 'a per-listener random 20 % of the training rows (seed 99)')
      : 'no tuning: defaults',
    models: [encore.row, ...baselines.map((b) => b.row)],
    skipped,
    comparison: best ? compare(encore, best, opts) : null,
    ...(run.rankerMessage ? { ranker: run.rankerMessage } : {}),
  };
}
