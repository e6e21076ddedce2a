// Load shedding: past capacity a request under /v1/ is answered 503 ENC_OVERLOADED with Retry-After at
// once, before routing work, instead of queueing without bound. Two bounds, both O(1) per request:
// - in flight: at most `maxInFlight` requests of this process between arrival and response (requests
//   waiting on storage count too);
// - queue deadline: a request read now has waited in the socket queue about as long as the event loop has
//   been busy (QueueDelay: the lag of the last timer tick plus the time since a free loop would have
//   ticked again); past `maxQueueMs` it could no longer meet its budget, so it is not worked on.
// Health, readiness and metrics are never shed.
import type { FastifyInstance } from 'fastify';
import type { Counter, Registry } from 'prom-client';
import { Counter as PromCounter } from 'prom-client';
import { Errors } from '../../domain/errors.js';

export interface OverloadConfig {
  readonly maxInFlight: number;
  readonly maxQueueMs: number;
}

export const DEFAULT_OVERLOAD: OverloadConfig = { maxInFlight: 256, maxQueueMs: 100 };

/** How long a request read now has waited behind the event loop, ms (QueueDelay; tests pass their own). */
export interface LagSource {
  readonly currentLagMs: number;
  close?(): void;
}

/**
 * Queueing delay estimate from a 5 ms timer (hand-written: perf_hooks' monitorEventLoopDelay only gives a
 * histogram, not "how late is the loop right now"). Timers run before I/O in each loop turn, so the lag
 * of the last tick covers what waited before it; the time since then beyond one tick covers the requests
 * handled in this turn so far. Two performance.now() reads per request.
 */
export class QueueDelay implements LagSource {
  private lag = 0;
  private lastTickAt = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly tickMs = 5) {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lag = Math.max(0, now - this.lastTickAt - tickMs);
      this.lastTickAt = now;
    }, tickMs);
    this.timer.unref();
  }

  get currentLagMs(): number {
    return this.lag + Math.max(0, performance.now() - this.lastTickAt - this.tickMs);
  }

  close(): void {
    clearInterval(this.timer);
  }
}

export class LoadShedder {
  private inFlight = 0;

  constructor(
    private readonly config: OverloadConfig,
    private readonly lag: LagSource,
  ) {}

  /** Why to shed a request arriving now, or null to serve it. */
  admit(): string | null {
    if (this.inFlight >= this.config.maxInFlight) return `${this.inFlight} requests in flight (limit ${this.config.maxInFlight})`;
    const lag = this.lag.currentLagMs;
    if (lag > this.config.maxQueueMs) return `requests wait ${Math.round(lag)} ms in the queue (deadline ${this.config.maxQueueMs} ms)`;
    this.inFlight++;
    return null;
  }

  done(): void {
    this.inFlight--;
  }

  get current(): number {
    return this.inFlight;
  }
}

function shedCounter(registry: Registry | undefined): Counter<'reason'> | undefined {
  if (registry === undefined) return undefined;
  const existing = registry.getSingleMetric('encore_http_shed_total') as Counter<'reason'> | undefined;
  return existing ?? new PromCounter({ name: 'encore_http_shed_total', help: 'Requests answered 503 by load shedding', labelNames: ['reason'] as const, registers: [registry] });
}

/** Call on the root instance first, so a shed request costs no other hook. */
export function installLoadShedding(app: FastifyInstance, config: OverloadConfig, registry?: Registry, lag?: LagSource): LoadShedder {
  const source = lag ?? new QueueDelay();
  const shedder = new LoadShedder(config, source);
  const shed = shedCounter(registry);
  if (lag === undefined) app.addHook('onClose', async () => source.close?.());
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/v1/')) return;
    const why = shedder.admit();
    if (why !== null) {
      shed?.inc({ reason: why.includes('in flight') ? 'in_flight' : 'queue_deadline' });
      void reply.header('retry-after', '1');
      throw Errors.overloaded(why);
    }
    reply.raw.once('close', () => shedder.done());
  });
  return shedder;
}
