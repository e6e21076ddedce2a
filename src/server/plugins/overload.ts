// Load shedding: past capacity a request under /v1/ is answered 503 ENC_OVERLOADED with Retry-After at
// once, before routing work, instead of queueing without bound. Two bounds, both O(1) per request:
// - in flight: at most `maxInFlight` requests of this process between arrival and response (requests
//   waiting on storage count too);
// - queue deadline: a request read now has waited in the socket queue about as long as the event loop has
//   been busy (QueueDelay: the lag of the last timer tick plus the time since a free loop would have
//   ticked again), and will wait behind the requests admitted before it; past `maxQueueMs` it could no
//   longer meet its budget, so it is not worked on.
// Health, readiness and metrics are never shed. The decision is taken in the HTTP server's request
// listener, before Fastify (sheddingServer).
import http from 'node:http';
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
  /** Time of the last completion (or the start of the current busy period). */
  private lastMark = 0;
  /** EWMA of the time between completions while busy: what one more request in flight costs, ms. */
  private perRequestMs = 0;

  constructor(
    private readonly config: OverloadConfig,
    private readonly lag: LagSource,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Why to shed a request arriving now, or null to serve it. Its expected wait is the event loop's delay
   * plus the work already admitted ahead of it (in flight x time between completions while busy): work
   * admitted in a burst runs after its first await, where the loop delay alone cannot see it yet.
   */
  admit(): string | null {
    if (this.inFlight >= this.config.maxInFlight) return `${this.inFlight} requests in flight (limit ${this.config.maxInFlight})`;
    const wait = this.lag.currentLagMs + this.inFlight * this.perRequestMs;
    if (wait > this.config.maxQueueMs) return `requests wait ${Math.round(wait)} ms in the queue (deadline ${this.config.maxQueueMs} ms)`;
    if (this.inFlight === 0) this.lastMark = this.now();
    this.inFlight++;
    return null;
  }

  done(): void {
    const now = this.now();
    // One long gap (a GC pause, the process descheduled on a busy machine) must not make every request
    // look expensive for the next many completions: a sample counts for at most half the deadline.
    const interval = Math.min(now - this.lastMark, this.config.maxQueueMs / 2);
    this.lastMark = now;
    this.perRequestMs = this.perRequestMs === 0 ? interval : 0.8 * this.perRequestMs + 0.2 * interval;
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

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The 503 a shed request gets: the coded error JSON every route uses, with Retry-After. */
function sendShed(res: http.ServerResponse, why: string): void {
  const err = Errors.overloaded(why);
  const body = JSON.stringify({ statusCode: 503, code: err.code, error: 'Service Unavailable', message: err.message });
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '1' });
  res.end(body);
}

/**
 * A Fastify `serverFactory` whose HTTP server decides about each request before Fastify sees it: a shed
 * request costs Node's HTTP parsing and one small write, no routing, hooks or serialisation, so shedding
 * stays cheap at several times the capacity. (app.inject() bypasses the server, so it is never shed.)
 */
export function sheddingServer(config: OverloadConfig, registry?: Registry, lag?: LagSource) {
  return (handler: Handler, opts: { http?: http.ServerOptions; keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number }): http.Server => {
    const source = lag ?? new QueueDelay();
    const shedder = new LoadShedder(config, source);
    const shed = shedCounter(registry);
    const server = http.createServer(opts.http ?? {}, (req, res) => {
      if (req.url === undefined || !req.url.startsWith('/v1/')) return handler(req, res);
      const why = shedder.admit();
      if (why !== null) {
        shed?.inc({ reason: why.includes('in flight') ? 'in_flight' : 'queue_deadline' });
        return sendShed(res, why);
      }
      res.once('close', () => shedder.done());
      handler(req, res);
    });
    // What Fastify sets on the server it makes itself (lib/server.js).
    if (opts.keepAliveTimeout !== undefined) server.keepAliveTimeout = opts.keepAliveTimeout;
    if (opts.requestTimeout !== undefined) server.requestTimeout = opts.requestTimeout;
    server.setTimeout(opts.connectionTimeout ?? 0);
    server.once('close', () => source.close?.());
    return server;
  };
}
