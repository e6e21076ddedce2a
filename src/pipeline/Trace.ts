import type { Degradation, StageStatus, StageTrace } from './types.js';

/** Collects the per-stage trace and the degradations of one request. */
export class Trace {
  readonly stages: StageTrace[] = [];
  readonly degraded: Degradation[] = [];
  /** `startedAt`: performance.now() when the request arrived (defaults to now). */
  constructor(readonly startedAt: number = performance.now()) {}

  /** ms since the request started. */
  elapsed(): number {
    return performance.now() - this.startedAt;
  }

  add(name: string, startedAt: number, inCount: number, outCount: number, status: StageStatus, detail?: string): void {
    this.stages.push(Trace.entry(name, startedAt, inCount, outCount, status, detail));
  }

  /** A stage entry timed from `startedAt` to now, not yet recorded (for stages that may be redone). */
  static entry(name: string, startedAt: number, inCount: number, outCount: number, status: StageStatus, detail?: string): StageTrace {
    const ms = Math.round((performance.now() - startedAt) * 1000) / 1000;
    return detail === undefined ? { name, ms, in: inCount, out: outCount, status } : { name, ms, in: inCount, out: outCount, status, detail };
  }

  degrade(component: string, reason: string): void {
    this.degraded.push({ component, reason });
  }
}
