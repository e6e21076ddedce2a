// A self-contained HTML view of an eval report: inline CSS and SVG, no script, nothing fetched.
import type { EvalReport } from './types.js';
import { comparisonLine, formatMarkdown, metricColumns } from './formatTable.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Horizontal bar chart of one value per label, as an inline SVG. */
export function barChart(title: string, rows: readonly { label: string; value: number; highlight?: boolean }[]): string {
  const w = 460;
  const lw = 170;
  const bh = 20;
  const h = 30 + rows.length * (bh + 6);
  const max = Math.max(1e-12, ...rows.map((r) => (Number.isFinite(r.value) ? r.value : 0)));
  const bars = rows.map((r, i) => {
    const y = 26 + i * (bh + 6);
    const v = Number.isFinite(r.value) ? r.value : 0;
    const bw = ((w - lw - 60) * v) / max;
    return (
      `<text x="${lw - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(r.label)}</text>` +
      `<rect x="${lw}" y="${y}" width="${bw.toFixed(1)}" height="${bh}" fill="${r.highlight ? '#d9480f' : '#4263eb'}"/>` +
      `<text x="${(lw + bw + 4).toFixed(1)}" y="${y + 14}">${Number.isFinite(r.value) ? r.value.toFixed(3) : '-'}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12"><text x="0" y="14" font-weight="bold">${escapeHtml(title)}</text>${bars.join('')}</svg>`;
}

/** Histogram of values with a shaded interval and a zero line, as an inline SVG. */
export function histogram(title: string, values: readonly number[], interval: { low: number; high: number; estimate: number }, bins = 30): string {
  const w = 460;
  const h = 200;
  const lo = Math.min(-1e-9, ...values);
  const hi = Math.max(1e-9, ...values);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  const maxC = Math.max(1, ...counts);
  const x = (v: number): number => 10 + ((v - lo) / (hi - lo)) * (w - 20);
  const bw = (w - 20) / bins;
  const bars = counts.map((c, i) => `<rect x="${(10 + i * bw).toFixed(1)}" y="${(170 - (150 * c) / maxC).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${((150 * c) / maxC).toFixed(1)}" fill="#adb5bd"/>`);
  const ci = `<rect x="${x(interval.low).toFixed(1)}" y="20" width="${Math.max(1, x(interval.high) - x(interval.low)).toFixed(1)}" height="150" fill="#d9480f" opacity="0.3"/>`;
  const zero = `<line x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="20" y2="170" stroke="black"/>`;
  const axis = `<text x="10" y="188">${lo.toFixed(2)}</text><text x="${w - 10}" y="188" text-anchor="end">${hi.toFixed(2)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12"><text x="0" y="14" font-weight="bold">${escapeHtml(title)}</text>${bars.join('')}${ci}${zero}${axis}</svg>`;
}

export function renderHtml(rep: EvalReport): string {
  const charts = metricColumns(rep.k).map((c) => barChart(c.title, rep.models.map((m) => ({ label: m.name, value: c.get(m), highlight: m.name.startsWith('Encore') }))));
  const cmp = rep.comparison;
  const hist = cmp ? histogram(`per-listener NDCG@${rep.k}: ${cmp.encore} − ${cmp.baseline} (shaded: mean's ${Math.round(cmp.bootstrap.level * 100)} % CI)`, cmp.differences, cmp.ndcgDifference) : '';
  const tuning = rep.models
    .filter((m) => m.tuning)
    .map((m) => `<li>${escapeHtml(m.name)}: ${m.tuning!.grid.map((g) => `${escapeHtml(m.tuning!.parameter)} = ${g.value} → ${g.ndcg.toFixed(4)}`).join(', ')}; chosen ${m.tuning!.chosen}</li>`);
  const rows = formatMarkdown(rep).split('\n').filter((_, i) => i !== 1).map((line, i) => {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const tag = i === 0 ? 'th' : 'td';
    return `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Encore eval report</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:20px}p{font-size:14px}</style></head><body>
<h1>Encore offline evaluation</h1>
<p><b>Command:</b> <code>${escapeHtml(rep.command)}</code><br><b>Date:</b> ${escapeHtml(rep.date)}<br><b>Machine:</b> ${escapeHtml(rep.machine)}</p>
<p><b>Data:</b> ${escapeHtml(rep.data)}</p>
<p><b>Tuning:</b> ${escapeHtml(rep.tuning)}</p><ul>${tuning.join('')}</ul>
<table>${rows.join('\n')}</table>
${rep.skipped.map((s) => `<p>Skipped ${escapeHtml(s.name)}: ${escapeHtml(s.reason)}</p>`).join('')}
<h2>Encore against the best baseline</h2><p>${escapeHtml(comparisonLine(rep))}</p>${hist}
<h2>Metrics</h2><div class="charts">${charts.join('\n')}</div>
<p>Definitions: Recall@K normalised by min(K, relevant); NDCG@K binary; coverage = distinct recommended items / catalog items; artist Gini over every artist's exposure count;
artist / genre diversity = share of pairs in a list with different artists / genres; novelty = mean −log2((c+1)/(U+1)), c = training users of the item, U = training users.</p>
</body></html>
`;
}
