// Prometheus metrics of the feed (prom-client): per-stage latency histograms, candidates per source,
// degradations. Receives every finished feed as a FeedObserver.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { FeedObserver } from '../pipeline/observer.js';
import type { FeedResult } from '../pipeline/types.js';
import { SURFACES } from '../surfaces/index.js';

const STAGE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5];
const COUNT_BUCKETS = [0, 10, 30, 100, 200, 400, 800, 1600];

function getOrCreate<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export class FeedMetrics implements FeedObserver {
  private readonly stageSeconds: Histogram<'surface' | 'stage' | 'status'>;
  private readonly totalSeconds: Histogram<'surface'>;
  private readonly candidates: Histogram<'source'>;
  private readonly degradations: Counter<'component'>;
  private readonly degradedFeeds: Counter<'surface'>;
  private readonly sourceNames: ReadonlySet<string>;

  constructor(registry: Registry) {
    this.stageSeconds = getOrCreate(registry, 'encore_feed_stage_seconds', () => new Histogram({
      name: 'encore_feed_stage_seconds',
      help: 'Time spent per pipeline stage',
      labelNames: ['surface', 'stage', 'status'] as const,
      buckets: STAGE_BUCKETS,
      registers: [registry],
    }));
    this.totalSeconds = getOrCreate(registry, 'encore_feed_seconds', () => new Histogram({
      name: 'encore_feed_seconds',
      help: 'Pipeline time per feed request (in-process, excluding HTTP)',
      labelNames: ['surface'] as const,
      buckets: STAGE_BUCKETS,
      registers: [registry],
    }));
    this.candidates = getOrCreate(registry, 'encore_feed_candidates', () => new Histogram({
      name: 'encore_feed_candidates',
      help: 'Candidates returned per source per request',
      labelNames: ['source'] as const,
      buckets: COUNT_BUCKETS,
      registers: [registry],
    }));
    this.degradations = getOrCreate(registry, 'encore_feed_degradations_total', () => new Counter({
      name: 'encore_feed_degradations_total',
      help: 'Components that failed, timed out or were skipped (the feed was still served)',
      labelNames: ['component'] as const,
      registers: [registry],
    }));
    this.degradedFeeds = getOrCreate(registry, 'encore_feed_degraded_total', () => new Counter({
      name: 'encore_feed_degraded_total',
      help: 'Feeds served with at least one degradation (divide by encore_feed_seconds_count for the share)',
      labelNames: ['surface'] as const,
      registers: [registry],
    }));
    const names = new Set<string>();
    for (const s of SURFACES.values()) for (const slot of [...s.sources, ...s.fallbackSources]) names.add(slot.name);
    this.sourceNames = names;
  }

  observe(result: FeedResult): void {
    const surface = result.surface;
    for (const st of result.trace.stages) {
      this.stageSeconds.observe({ surface, stage: st.name, status: st.status }, st.ms / 1000);
      if (this.sourceNames.has(st.name) && st.status !== 'skipped') this.candidates.observe({ source: st.name }, st.out);
    }
    this.totalSeconds.observe({ surface }, result.trace.totalMs / 1000);
    for (const d of result.degraded) this.degradations.inc({ component: d.component });
    if (result.degraded.length > 0) this.degradedFeeds.inc({ surface });
  }
}
