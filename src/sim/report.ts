// Views of simulation reports: terminal / Markdown table of every day and policy, and a self-contained HTML page
// with one inline-SVG line chart per metric (a line per policy over the days).
import { escapeHtml } from '../eval/report/html.js';
import type { DayFigures } from './dayMetrics.js';
import type { SimReport } from './runSimulation.js';

type Metric = { readonly title: string; readonly get: (d: DayFigures) => number; readonly fmt: (x: number) => string };

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const f2 = (x: number): string => x.toFixed(2);

export const SIM_METRICS: readonly Metric[] = [
  { title: 'completion rate', get: (d) => d.completionRate, fmt: pct },
  { title: 'skip rate', get: (d) => d.skipRate, fmt: pct },
  { title: 'early-skip rate', get: (d) => d.earlySkipRate, fmt: pct },
  { title: 'likes / session', get: (d) => d.likesPerSession, fmt: f2 },
  { title: 'minutes / session', get: (d) => d.minutesPerSession, fmt: f2 },
  { title: 'plays / session', get: (d) => d.sessionLength, fmt: f2 },
  { title: 'artist diversity', get: (d) => d.artistDiversity, fmt: (x) => x.toFixed(3) },
  { title: 'catalog coverage', get: (d) => d.catalogCoverage, fmt: pct },
  { title: 'discovery share', get: (d) => d.discoveryShare, fmt: pct },
  { title: 'mean truth appeal', get: (d) => d.meanAppeal, fmt: (x) => x.toFixed(3) },
  { title: 'active listeners', get: (d) => d.activeListeners, fmt: (x) => String(x) },
  { title: 'degraded feeds', get: (d) => d.degradedShare, fmt: pct },
];

export function simMarkdown(reports: readonly SimReport[]): string {
  const rows = reports.flatMap((r) => r.perDay);
  return [
    `| policy | day | ${SIM_METRICS.map((m) => m.title).join(' | ')} |`,
    `|---|---|${SIM_METRICS.map(() => '---').join('|')}|`,
    ...rows.map((d) => `| ${d.policy} | ${d.day} | ${SIM_METRICS.map((m) => m.fmt(m.get(d))).join(' | ')} |`),
  ].join('\n');
}

/** Learning and cohort effects apart (fixed panel, counterfactual replay through the truth model); empty when nothing retrained. */
export function learningMarkdown(reports: readonly SimReport[]): string {
  const rows = reports.flatMap((r) => r.learning);
  if (rows.length === 0) return '';
  const ci = (i: { estimate: number; low: number; high: number }): string => `${i.estimate >= 0 ? '+' : ''}${i.estimate.toFixed(4)} [${i.low.toFixed(4)}, ${i.high.toFixed(4)}]`;
  return [
    '| day | bundle vs day-0 bundle | panel (returning) | truth appeal, day-0 bundle | truth appeal, day-d bundle | learning effect (paired, 95 % CI) | cohort effect (returning − panel, day-0 bundle, 95 % CI) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((l) => `| ${l.day} | ${l.current} vs ${l.baseline} | ${l.panel} (${l.returning}) | ${l.appealBaseline.toFixed(4)} | ${l.appealCurrent.toFixed(4)} | ${ci(l.learning)} | ${ci(l.cohort)} |`),
  ].join('\n');
}

function htmlTable(md: string): string {
  if (md === '') return '';
  const rows = md.split('\n').filter((_, i) => i !== 1).map((line, i) => {
    const tag = i === 0 ? 'th' : 'td';
    return `<tr>${line.split('|').slice(1, -1).map((c) => `<${tag}>${escapeHtml(c.trim())}</${tag}>`).join('')}</tr>`;
  });
  return `<table>${rows.join('\n')}</table>`;
}

const COLORS: Record<string, string> = { encore: '#d9480f', popular: '#4263eb', random: '#868e96' };

export function lineChart(metric: Metric, reports: readonly SimReport[]): string {
  const w = 340;
  const h = 180;
  const all = reports.flatMap((r) => r.perDay.map(metric.get)).filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(1e-9, ...all);
  const days = Math.max(1, ...reports.map((r) => r.days));
  const x = (d: number): number => 40 + (days > 1 ? (d / (days - 1)) * (w - 60) : (w - 60) / 2);
  const y = (v: number): number => 160 - ((v - lo) / (hi - lo)) * 130;
  const lines = reports.map((r, i) => {
    const pts = r.perDay.filter((d) => Number.isFinite(metric.get(d))).map((d) => `${x(d.day).toFixed(1)},${y(metric.get(d)).toFixed(1)}`);
    const c = COLORS[r.policy] ?? '#000';
    return `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.join(' ')}"/>${pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${c}"/>`).join('')}<text x="${w - 5}" y="${20 + i * 14}" text-anchor="end" fill="${c}">${escapeHtml(r.policy)}</text>`;
  });
  const axis = `<text x="35" y="${y(hi) + 4}" text-anchor="end">${metric.fmt(hi)}</text><text x="35" y="${y(lo) + 4}" text-anchor="end">${metric.fmt(lo)}</text>` +
    Array.from({ length: days }, (_, d) => `<text x="${x(d)}" y="176" text-anchor="middle">day ${d}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11"><text x="0" y="12" font-weight="bold">${escapeHtml(metric.title)}</text>${axis}${lines.join('')}</svg>`;
}

export function simHtml(reports: readonly SimReport[]): string {
  const r0 = reports[0]!;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Encore simulation</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:16px}</style></head><body>
<h1>Encore closed-loop simulation</h1>
<p><b>Commands:</b> ${reports.map((r) => `<code>${escapeHtml(r.command)}</code>`).join('<br>')}<br><b>Date:</b> ${escapeHtml(r0.date)}<br><b>Machine:</b> ${escapeHtml(r0.machine)}<br>
<b>World:</b> ${escapeHtml(r0.world)}; ${r0.listeners} simulated listeners, ${r0.days} days, seed ${r0.seed}. Listener model: docs/simulator.md; parameters: <code>${escapeHtml(JSON.stringify(r0.model))}</code></p>
${htmlTable(simMarkdown(reports))}
${learningMarkdown(reports) === '' ? '' : `<h2>Learning apart from who returns</h2><p>Fixed panel of every sampled listener, first feed page before day d replayed under the day-0 and the day-d bundle in the same context; mean truth appeal (docs/simulator.md).</p>${htmlTable(learningMarkdown(reports))}`}
<div class="charts">${SIM_METRICS.map((m) => lineChart(m, reports)).join('\n')}</div>
</body></html>
`;
}
