// Which model bundle is serving and since when, as Prometheus gauges (the live panel of the page reads
// them): encore_bundle_info{version} 1 and encore_bundle_serving_since_seconds (unix time the version was
// first seen serving: the start of the service or a live swap, to within the poll period).
import { Gauge, type Registry } from 'prom-client';
import type { BundleHolderLike } from './deps.js';

const POLL_MS = 1000;

export class BundleMetrics {
  private version = '';
  private since = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    registry: Registry,
    private readonly bundles: BundleHolderLike,
  ) {
    const poll = (): { version: string; since: number } => {
      this.poll();
      return { version: this.version, since: this.since };
    };
    if (registry.getSingleMetric('encore_bundle_info') === undefined) {
      new Gauge({
        name: 'encore_bundle_info',
        help: 'The model bundle being served (value 1, version as a label)',
        labelNames: ['version'] as const,
        registers: [registry],
        collect() {
          const { version } = poll();
          this.reset();
          if (version !== '') this.set({ version }, 1);
        },
      });
      new Gauge({
        name: 'encore_bundle_serving_since_seconds',
        help: 'Unix time the bundle being served was first seen serving (service start or live swap)',
        registers: [registry],
        collect() {
          const { since } = poll();
          if (since > 0) this.set(since / 1000);
        },
      });
    }
    // A swap between two scrapes is noticed within POLL_MS, not at the next scrape.
    this.timer = setInterval(() => this.poll(), POLL_MS).unref();
  }

  private poll(): void {
    let version: string;
    try {
      version = this.bundles.current().version;
    } catch {
      return; // no bundle yet: nothing to report
    }
    if (version !== this.version) {
      this.version = version;
      this.since = Date.now();
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
