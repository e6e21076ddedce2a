// Evaluation benchmark (npm run bench:eval): `encore eval` on MovieLens 100K (per-listener random 80/20, every
// model tuned on an inner split of the training part) and on a generated world's own logs (time split: the last
// 14 days held out). Prints machine/date/inputs and writes bench/results/eval.md (and the two HTML reports next to
// it under bench/results/eval/).
//
// Full scale: `npm run bench:eval -- --world W [--max-users 1000]` runs the time split on an existing world
// (8.2M tracks) and writes bench/results/eval-full.md and eval/world-full.html. Every model runs with its default
// setting (the inner-validation grids would train each model 3-4 times more at this size); the small world's
// section shows what tuning chooses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorld } from '../src/world/World.js';
import { loadEvalData } from '../src/eval/report/loadInput.js';
import { DEFAULT_EVAL, machineLine, runEval } from '../src/eval/report/runEval.js';
import { comparisonLine, formatMarkdown, formatTable } from '../src/eval/report/formatTable.js';
import { renderHtml } from '../src/eval/report/html.js';
import { movieLens100kPath } from '../src/eval/movielens.js';
import type { EvalReport } from '../src/eval/report/types.js';

const WORLD = { tracks: 20_000, users: 2_000, seed: 5 };
const DAYS = 14;

function section(title: string, command: string, rep: EvalReport): string {
  const tuned = rep.models.filter((m) => m.tuning).map((m) => `- ${m.name}: ${m.tuning!.grid.map((g) => `${m.tuning!.parameter} = ${g.value} → ${g.ndcg.toFixed(4)}`).join(', ')}; chosen ${m.tuning!.chosen}`);
  return `## ${title}

Command: \`${command}\`

Data: ${rep.data}

${formatMarkdown(rep)}

${rep.skipped.map((s) => `Skipped ${s.name}: ${s.reason}.`).join('\n')}

**${comparisonLine(rep)}**

${tuned.length > 0 ? `Tuning (${rep.tuning}), inner-validation NDCG@${rep.k}:\n${tuned.join('\n')}` : `Tuning: ${rep.tuning}.`}
${
  rep.ranker
    ? `
Encore's learned ranker (issue 11 point 5), trained and chosen on a random 20 % hold-out of each listener's TRAINING rows
(grid: pairwise / pointwise logistic x cascade depth x L2, chosen by NDCG@20 on a quarter of those listeners; the
choice must then beat the best single generator score on another 20 % of them, else the embedding score is served):

\`\`\`
${rep.ranker}
\`\`\`
`
    : ''
}`;
}

const ARGS = parseArgs({ options: { world: { type: 'string' }, 'max-users': { type: 'string', default: '1000' } } }).values;

/** The time split of an existing (full-scale) world, untuned: bench/results/eval-full.md. */
async function fullScale(worldDir: string, maxUsers: number): Promise<void> {
  const machine = machineLine();
  const date = new Date().toISOString();
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`machine: ${machine}\ndate: ${date}\nload average: ${load}`);
  const command = `encore eval --world ${worldDir} --days ${DAYS} --max-users ${maxUsers} --no-tune`;
  const t0 = performance.now();
  const rep = await runEval(loadEvalData({ world: worldDir, dataset: null, split: null, days: DAYS, seed: 42, maxUsers }), { ...DEFAULT_EVAL, tune: false, command, log: (s) => console.log(s) });
  console.log(formatTable(rep));
  const outDir = path.join('bench', 'results', 'eval');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'world-full.html'), renderHtml(rep));
  const md = `# Evaluation benchmark at full scale

Command: \`npm run bench:eval -- ${process.argv.slice(2).join(' ')}\` (bench/eval.ts), the same as \`${command}\`. Date: ${date}.
Machine: ${machine}; load average at start ${load}; ${((performance.now() - t0) / 60_000).toFixed(1)} min in all. Every model with its default
setting (no tuning grids at this size; the small world's section of bench/results/eval.md shows what tuning chooses).
HTML report: bench/results/eval/world-full.html.

${section(`Generated world at full scale, time split (last ${DAYS} days)`, command, rep)}`;
  fs.writeFileSync(path.join('bench', 'results', 'eval-full.md'), md);
  console.log('wrote bench/results/eval-full.md');
}

async function main(): Promise<void> {
  if (ARGS.world !== undefined) return fullScale(ARGS.world, Number(ARGS['max-users']));
  const machine = machineLine();
  const date = new Date().toISOString();
  console.log(`machine: ${machine}\ndate: ${date}\nload average: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const outDir = path.join('bench', 'results', 'eval');
  fs.mkdirSync(outDir, { recursive: true });
  const parts: string[] = [];
  const log = (s: string): void => console.log(s);
  if (movieLens100kPath()) {
    const command = 'encore eval --dataset ml-100k';
    const rep = await runEval(loadEvalData({ world: null, dataset: 'ml-100k', split: null, days: 7, seed: 42, maxUsers: 2000 }), { ...DEFAULT_EVAL, command, log });
    console.log(formatTable(rep));
    fs.writeFileSync(path.join(outDir, 'ml-100k.html'), renderHtml(rep));
    parts.push(section('MovieLens 100K', command, rep));
  } else parts.push('## MovieLens 100K\n\nSkipped: MovieLens 100K not found (set ENCORE_DATASETS).\n');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-bench-eval-'));
  try {
    const worldDir = path.join(tmp, 'world');
    await generateWorld({ ...WORLD, out: worldDir });
    const command = `encore world --tracks ${WORLD.tracks} --users ${WORLD.users} --seed ${WORLD.seed} --out W && encore eval --world W --days ${DAYS} --max-users 1000`;
    const rep = await runEval(loadEvalData({ world: worldDir, dataset: null, split: null, days: DAYS, seed: 42, maxUsers: 1000 }), { ...DEFAULT_EVAL, command, log });
    console.log(formatTable(rep));
    fs.writeFileSync(path.join(outDir, 'world.html'), renderHtml(rep));
    parts.push(section(`Generated world, time split (last ${DAYS} days)`, command, rep));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const md = `# Evaluation benchmark

Command: \`npm run bench:eval\` (bench/eval.ts). Date: ${date}. Machine: ${machine}; load average at start
${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (shared machine: times are indicative). Definitions of the metrics, the splits and the
tuning: docs/evaluation.md. HTML reports: bench/results/eval/*.html.

${parts.join('\n')}`;
  fs.writeFileSync(path.join('bench', 'results', 'eval.md'), md);
  console.log('wrote bench/results/eval.md');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
