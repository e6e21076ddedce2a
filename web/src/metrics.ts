// The live panel's figures from the service's own /metrics (Prometheus text, see promText.ts): per-stage
// latency percentiles from the histograms (since the process started), rates from counter deltas between
// two polls, degraded share, the bundle being served.
import { parseSamples, type Sample } from './promText.js';

/** Samples by series name (a histogram's series are <name>_bucket, <name>_sum, <name>_count). */
export type Families = ReadonlyMap<string, readonly Sample[]>;

export function parseMetrics(text: string): Families {
  const out = new Map<string, Sample[]>();
  for (const s of parseSamples(text)) {
    const list = out.get(s.name);
    if (list === undefined) out.set(s.name, [s]);
    else list.push(s);
  }
  return out;
}

/** Cumulative bucket counts, ascending by upper bound (+Inf last). */
export type Buckets = readonly (readonly [number, number])[];

/** Sums the histogram samples of a family that agree on `groupBy`, e.g. all surfaces and statuses per stage. */
export function histogramsBy(f: Families, name: string, groupBy: string): Map<string, Buckets> {
  const sums = new Map<string, Map<number, number>>();
  for (const s of f.get(`${name}_bucket`) ?? []) {
    const key = s.labels[groupBy] ?? '';
    const acc = sums.get(key) ?? new Map<number, number>();
    const le = s.labels.le ?? '+Inf';
    const bound = le === '+Inf' ? Infinity : Number(le);
    acc.set(bound, (acc.get(bound) ?? 0) + s.value);
    sums.set(key, acc);
  }
  const out = new Map<string, Buckets>();
  for (const [key, acc] of sums) out.set(key, [...acc].sort((a, b) => a[0] - b[0]));
  return out;
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank. */
export function quantile(buckets: Buckets, q: number): number | null {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Infinity) return lower; // past the last finite bucket: its bound is all we know
      const inBucket = count - below;
      return inBucket === 0 ? bound : lower + (bound - lower) * ((rank - below) / inBucket);
    }
    lower = bound;
    below = count;
  }
  return lower;
}

export const countOf = (buckets: Buckets): number => buckets.at(-1)?.[1] ?? 0;

/** Sum of a counter family over the samples `keep` accepts. */
export function counterSum(f: Families, name: string, keep: (labels: Record<string, string>) => boolean = () => true): number {
  let sum = 0;
  for (const s of f.get(name) ?? []) if (keep(s.labels)) sum += s.value;
  return sum;
}

export interface StageLatency {
  readonly stage: string;
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface LiveFigures {
  readonly at: number;
  readonly stages: readonly StageLatency[];
  readonly feed: StageLatency | null;
  readonly feeds: number;
  readonly requests: number;
  readonly events: number;
  readonly degradedFeeds: number;
  readonly bundleVersion: string | null;
  readonly bundleSince: number | null;
}

function latency(stage: string, b: Buckets): StageLatency {
  return { stage, count: countOf(b), p50: quantile(b, 0.5), p95: quantile(b, 0.95), p99: quantile(b, 0.99) };
}

function gaugeSample(f: Families, name: string): Sample | undefined {
  return f.get(name)?.[0];
}

/** The page's own polls are left out of the request rate. */
const isPagePoll = (labels: Record<string, string>): boolean => labels.route === '/metrics' || (labels.route ?? '').startsWith('/ui/');

export function liveFigures(f: Families, at: number): LiveFigures {
  const stages = [...histogramsBy(f, 'encore_feed_stage_seconds', 'stage')].map(([stage, b]) => latency(stage, b));
  const total = histogramsBy(f, 'encore_feed_seconds', 'none').get('');
  const since = gaugeSample(f, 'encore_bundle_serving_since_seconds')?.value;
  return {
    at,
    stages,
    feed: total === undefined ? null : latency('whole feed', total),
    feeds: total === undefined ? 0 : countOf(total),
    requests: counterSum(f, 'encore_http_requests_total', (l) => !isPagePoll(l)),
    events: counterSum(f, 'encore_events_total', (l) => l.outcome === 'accepted'),
    degradedFeeds: counterSum(f, 'encore_feed_degraded_total'),
    bundleVersion: gaugeSample(f, 'encore_bundle_info')?.labels.version ?? null,
    bundleSince: since === undefined ? null : since * 1000,
  };
}

/** Per second between two polls; null on the first poll or when a counter went back (a restart). */
export function ratePerSecond(prev: LiveFigures | null, next: LiveFigures, pick: (f: LiveFigures) => number): number | null {
  if (prev === null || next.at <= prev.at) return null;
  const d = pick(next) - pick(prev);
  return d < 0 ? null : (d * 1000) / (next.at - prev.at);
}
