// The longest event-loop delay over fixed windows while a process serves: the yardstick for the delay measured
// while a new bundle loads (BundleHolder logs both). On a busy 2-core machine the loop is sometimes late by tens
// of ms with no swap at all (a burst of requests, the scheduler, a collection); a swap's figure means something
// only next to that.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export class LoopDelayWindows {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private timer: NodeJS.Timeout | null = null;
  private lastMaxMs: number | null = null;

  constructor(readonly windowMs = 5_000) {}

  start(): void {
    if (this.timer !== null) return;
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.lastMaxMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, this.windowMs).unref();
  }

  /** The longest delay over the last complete window (ms), or null before one has passed. */
  lastWindowMaxMs(): number | null {
    return this.lastMaxMs;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.histogram.disable();
  }
}
