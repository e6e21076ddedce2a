// The terminal view of an eval report: one row per model, then Encore against the best baseline.
import type { EvalReport } from './types.js';

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');

export function metricColumns(k: number): readonly { readonly title: string; readonly get: (r: EvalReport['models'][number]) => number }[] {
  return [
    { title: `Recall@${k}`, get: (r) => r.recall },
    { title: `NDCG@${k}`, get: (r) => r.ndcg },
    { title: 'coverage', get: (r) => r.coverage },
    { title: 'artist Gini', get: (r) => r.artistGini },
    { title: 'artist div.', get: (r) => r.artistDiversity },
    { title: 'genre div.', get: (r) => r.genreDiversity },
    { title: 'novelty', get: (r) => r.novelty },
  ];
}

export function comparisonLine(rep: EvalReport): string {
  const c = rep.comparison;
  if (!c) return 'no baseline to compare with';
  const d = c.ndcgDifference;
  return (
    `${c.encore} − ${c.baseline} (best baseline), per-listener NDCG@${rep.k} over ${c.users} listeners: ${d.estimate >= 0 ? '+' : ''}${d.estimate.toFixed(4)} ` +
    `[${Math.round(c.bootstrap.level * 100)} % bootstrap CI ${d.low.toFixed(4)}, ${d.high.toFixed(4)}; ${c.bootstrap.resamples} resamples, seed ${c.bootstrap.seed}]; ` +
    `${c.test.test}: t = ${c.test.t.toFixed(2)}, df = ${c.test.df}, p = ${c.test.p < 1e-4 ? c.test.p.toExponential(1) : c.test.p.toFixed(4)}`
  );
}

export function formatTable(rep: EvalReport): string {
  const cols = metricColumns(rep.k);
  const names = rep.models.map((m) => m.name);
  const w = Math.max(5, ...names.map((n) => n.length));
  const head = ['model'.padEnd(w), ...cols.map((c) => c.title.padStart(11)), '    s', '  settings'].join(' ');
  const lines = rep.models.map((m) => [m.name.padEnd(w), ...cols.map((c) => f3(c.get(m)).padStart(11)), m.seconds.toFixed(0).padStart(5), `  ${m.settings}`].join(' '));
  const skipped = rep.skipped.map((s) => `skipped ${s.name}: ${s.reason}`);
  return [`data: ${rep.data}`, `tuning: ${rep.tuning}`, head, ...lines, ...skipped, comparisonLine(rep)].join('\n');
}

/** The same table as Markdown (bench/results/eval.md). */
export function formatMarkdown(rep: EvalReport): string {
  const cols = metricColumns(rep.k);
  return [
    `| model | ${cols.map((c) => c.title).join(' | ')} | seconds | settings |`,
    `|---|${cols.map(() => '---').join('|')}|---|---|`,
    ...rep.models.map((m) => `| ${m.name} | ${cols.map((c) => f3(c.get(m))).join(' | ')} | ${m.seconds.toFixed(1)} | ${m.settings} |`),
  ].join('\n');
}
