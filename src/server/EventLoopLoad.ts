// Overload signal from event-loop lag. Requests that queue in the kernel while the loop is busy carry no
// timestamp a handler could see; but every request the loop has to get through before a timer can fire
// shows up as that timer's lag. One request ahead is a few ms of lag; a queue of several is tens of ms.
// (Event-loop utilisation is not the signal: back-to-back requests keep it near 1 without any queue.)
import type { LoadSignal } from '../pipeline/LoadSignal.js';

export class EventLoopLoad implements LoadSignal {
  private lag = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    // 40 ms: several requests queued at ~3 ms each, well before the 100 ms queue deadline of the load shedder.
    private readonly lagThresholdMs = 40,
    tickMs = 5,
  ) {
    let expected = performance.now() + tickMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lag = Math.max(0, now - expected);
      expected = now + tickMs;
    }, tickMs);
    this.timer.unref();
  }

  /** Lag of the latest timer tick, ms. */
  get currentLagMs(): number {
    return this.lag;
  }

  overloaded(): boolean {
    return this.lag > this.lagThresholdMs;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
