// The statistics of an experiment readout, from per-listener totals (the listener is the randomisation unit):
// per variant the listeners, completion rate and skip rate (ratios of sums over listeners: delta-method variance),
// listening minutes per listener (a mean: s² / n), each with a 95 % interval; against the control (the first
// variant): difference, relative lift and Welch's p-value; and the sample-ratio-mismatch χ² against the weights.
import { armInterval, meanEstimate, ratioEstimate, welchCompare, type ArmEstimate, type Comparison } from '../eval/stats/welch.js';
import { srmCheck, type SrmCheck } from '../eval/stats/srm.js';

export interface ListenerTotals {
  readonly variant: string;
  plays: number;
  completes: number;
  skips: number;
  listenMs: number;
}

export interface MetricReadout {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  /** Against the control; null for the control itself. */
  readonly vsControl: Comparison | null;
}

export interface VariantReadout {
  readonly variant: string;
  readonly listeners: number;
  readonly weight: number;
  readonly completionRate: MetricReadout;
  readonly skipRate: MetricReadout;
  readonly minutesPerListener: MetricReadout;
}

export interface Readout {
  readonly experiment: string;
  readonly variants: VariantReadout[];
  readonly srm: SrmCheck;
}

type MetricName = 'completionRate' | 'skipRate' | 'minutesPerListener';

function estimate(rows: readonly ListenerTotals[], metric: MetricName): ArmEstimate {
  if (metric === 'minutesPerListener') return meanEstimate(rows.map((r) => r.listenMs / 60_000));
  const num = rows.map((r) => (metric === 'completionRate' ? r.completes : r.skips));
  return ratioEstimate(num, rows.map((r) => r.plays));
}

function metric(est: ArmEstimate, control: ArmEstimate | null): MetricReadout {
  const ci = armInterval(est);
  return { value: est.value, low: ci.low, high: ci.high, vsControl: control ? welchCompare(control, est) : null };
}

/** `variants` in declared order (the first is the control) with their weights. */
export function readout(experiment: string, variants: readonly { name: string; weight: number }[], listeners: Iterable<ListenerTotals>): Readout {
  const by = new Map<string, ListenerTotals[]>(variants.map((v) => [v.name, []]));
  for (const l of listeners) by.get(l.variant)?.push(l);
  const metrics: MetricName[] = ['completionRate', 'skipRate', 'minutesPerListener'];
  const control = by.get(variants[0]!.name) ?? [];
  const controlEst = Object.fromEntries(metrics.map((m) => [m, estimate(control, m)])) as Record<MetricName, ArmEstimate>;
  const rows = variants.map((v, i): VariantReadout => {
    const r = by.get(v.name) ?? [];
    const m = (name: MetricName): MetricReadout => metric(estimate(r, name), i === 0 ? null : controlEst[name]);
    return { variant: v.name, listeners: r.length, weight: v.weight, completionRate: m('completionRate'), skipRate: m('skipRate'), minutesPerListener: m('minutesPerListener') };
  });
  return { experiment, variants: rows, srm: srmCheck(rows.map((r) => r.listeners), variants.map((v) => v.weight)) };
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

function cell(m: MetricReadout, fmt: (x: number) => string): string {
  const base = `${fmt(m.value)} [${fmt(m.low)}, ${fmt(m.high)}]`;
  if (!m.vsControl) return `${base} (control)`;
  const c = m.vsControl;
  return `${base} lift ${c.relativeLift >= 0 ? '+' : ''}${(100 * c.relativeLift).toFixed(2)} %, p ${c.p < 1e-15 ? '< 1e-15' : c.p < 1e-4 ? `= ${c.p.toExponential(1)}` : `= ${c.p.toFixed(4)}`}`;
}

export function formatReadout(r: Readout): string {
  const lines = [`experiment ${r.experiment}: 95 % intervals (Welch's t; delta method for the rates, listener = unit); lift and p against ${r.variants[0]?.variant} (two-sided Welch)`];
  for (const v of r.variants) {
    lines.push(
      `  ${v.variant}: ${v.listeners} listeners (weight ${v.weight})`,
      `    completion rate      ${cell(v.completionRate, pct)}`,
      `    skip rate            ${cell(v.skipRate, pct)}`,
      `    minutes per listener ${cell(v.minutesPerListener, (x) => x.toFixed(2))}`,
    );
  }
  lines.push(`  sample ratio: χ² = ${r.srm.chiSquare.toFixed(2)}, df = ${r.srm.df}, p = ${r.srm.p.toPrecision(3)}${r.srm.mismatch ? '  ** SAMPLE RATIO MISMATCH (p < 0.001): the assignment is broken; do not trust this readout **' : ' (no mismatch)'}`);
  return lines.join('\n');
}
