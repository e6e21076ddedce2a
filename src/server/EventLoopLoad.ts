// Overload signal from event-loop utilisation (ELU): the share of the last window the loop spent
// running code rather than waiting for I/O. Requests that queue in the kernel while the loop is busy
// carry no timestamp a handler could see, so the loop's own utilisation is the signal.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { LoadSignal } from '../pipeline/LoadSignal.js';

export class EventLoopLoad implements LoadSignal {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private utilisation = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly threshold = 0.85,
    windowMs = 100,
  ) {
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.utilisation = performance.eventLoopUtilization(now, this.last).utilization;
      this.last = now;
    }, windowMs);
    this.timer.unref();
  }

  /** Utilisation over the last window, 0..1. */
  get current(): number {
    return this.utilisation;
  }

  overloaded(): boolean {
    return this.utilisation > this.threshold;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
