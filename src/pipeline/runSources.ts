// Candidate sources run in parallel, each raced against min(its own budget, time left in the surface
// budget). A source that throws or overruns is aborted (AbortSignal) and, when fail-open, skipped and
// reported as degraded; its late answer is ignored.
import type { SourceSlot } from '../surfaces/SurfaceConfig.js';
import type { CandidateBatch, CandidateSource, RequestContext } from './contracts.js';
import type { Trace } from './Trace.js';

export interface SourceOutcome {
  readonly batch: CandidateBatch | null;
  /** true when a fail-closed source failed: the caller must use the fallbacks. */
  readonly failedClosed: boolean;
}

const TIMEOUT = Symbol('timeout');

async function runOne(
  ctx: RequestContext,
  slot: SourceSlot,
  source: CandidateSource | undefined,
  deadlineMs: number,
  waitedMs: number,
  overloaded: boolean,
  trace: Trace,
): Promise<SourceOutcome> {
  const started = performance.now();
  if (slot.failOpen && slot.shedAfterMs !== undefined && (overloaded || waitedMs > slot.shedAfterMs)) {
    const why = overloaded ? 'the process is saturated' : `the request queued ${Math.round(waitedMs)} ms`;
    trace.add(slot.name, started, slot.limit, 0, 'skipped', `shed: ${why}`);
    trace.degrade(slot.name, `shed under load: ${why}`);
    return { batch: null, failedClosed: false };
  }
  if (source === undefined) {
    trace.add(slot.name, started, slot.limit, 0, 'skipped', 'not available');
    trace.degrade(slot.name, 'source not available');
    return { batch: null, failedClosed: !slot.failOpen };
  }
  if (deadlineMs <= 0) {
    trace.add(slot.name, started, slot.limit, 0, 'skipped', 'no time left');
    trace.degrade(slot.name, 'skipped: no time left in the budget');
    return { batch: null, failedClosed: !slot.failOpen };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const pending = source.fetch(ctx, slot.limit, controller.signal);
    let result: CandidateBatch | typeof TIMEOUT;
    if (pending instanceof Promise) {
      const timeout = new Promise<typeof TIMEOUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMEOUT), deadlineMs);
      });
      result = await Promise.race([pending, timeout]);
      if (result === TIMEOUT) {
        controller.abort();
        pending.catch(() => undefined); // its late failure is of no interest
      }
    } else {
      result = pending;
    }
    if (result === TIMEOUT) {
      trace.add(slot.name, started, slot.limit, 0, 'timeout', `cut off after ${Math.round(deadlineMs)} ms`);
      trace.degrade(slot.name, `timed out after ${Math.round(deadlineMs)} ms`);
      return { batch: null, failedClosed: !slot.failOpen };
    }
    const overran = performance.now() - started > deadlineMs;
    trace.add(slot.name, started, slot.limit, result.count, overran ? 'degraded' : 'ok', overran ? 'overran its budget (synchronous)' : undefined);
    if (overran) trace.degrade(slot.name, `overran its ${Math.round(deadlineMs)} ms budget`);
    return { batch: result, failedClosed: false };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    trace.add(slot.name, started, slot.limit, 0, 'failed', message);
    trace.degrade(slot.name, `failed: ${message}`);
    return { batch: null, failedClosed: !slot.failOpen };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * Runs `slots` in parallel. `timeLeftMs` is what the surface budget allows retrieval as a whole.
 * Returns one outcome per slot, in slot order.
 */
export async function runSources(
  ctx: RequestContext,
  slots: readonly SourceSlot[],
  registry: ReadonlyMap<string, CandidateSource>,
  timeLeftMs: number,
  trace: Trace,
  overloaded = false,
): Promise<SourceOutcome[]> {
  const runs: Promise<SourceOutcome>[] = [];
  const waitedMs = trace.elapsed();
  for (const slot of slots) {
    runs.push(runOne(ctx, slot, registry.get(slot.name), Math.min(slot.budgetMs, timeLeftMs), waitedMs, overloaded, trace));
  }
  return Promise.all(runs);
}
