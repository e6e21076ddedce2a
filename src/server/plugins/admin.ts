// Liveness, readiness and Prometheus metrics.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, type Registry } from 'prom-client';
import { BundleMetrics } from '../BundleMetrics.js';
import { registerMappedMemoryMetrics } from '../MappedMemoryMetrics.js';
import type { AppPluginOptions } from '../deps.js';

const statusSchema = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    modelVersion: { type: 'string' },
    checks: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['status'],
} as const;

/** Request counts and latency for every route; call on the root instance (hooks are encapsulated). */
export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  if (registry.getSingleMetric('process_cpu_seconds_total') === undefined) collectDefaultMetrics({ register: registry });
  const httpRequests =
    (registry.getSingleMetric('encore_http_requests_total') as Counter<'route' | 'status'> | undefined) ??
    new Counter({ name: 'encore_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'] as const, registers: [registry] });
  const httpSeconds =
    (registry.getSingleMetric('encore_http_request_seconds') as Histogram<'route'> | undefined) ??
    new Histogram({
      name: 'encore_http_request_seconds',
      help: 'HTTP request time by route (Fastify receive to send)',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      registers: [registry],
    });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ route, status: String(reply.statusCode) });
    httpSeconds.observe({ route }, reply.elapsedTime / 1000);
  });
}

export const adminPlugin: FastifyPluginAsync<AppPluginOptions> = async (app, { deps }) => {
  const registry = deps.metrics;
  const bundleMetrics = new BundleMetrics(registry, deps.bundles);
  registerMappedMemoryMetrics(registry);
  app.addHook('onClose', async () => bundleMetrics.close());
  app.get('/healthz', { config: { scope: 'public' }, schema: { summary: 'Liveness', tags: ['admin'], response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { scope: 'public' }, schema: { summary: 'Readiness: a model bundle is loaded and storage answers', tags: ['admin'], response: { 200: statusSchema, 503: statusSchema } } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    let ready = true;
    let modelVersion = '';
    try {
      modelVersion = deps.bundles.current().version;
      checks.bundle = 'ok';
    } catch (err) {
      ready = false;
      checks.bundle = err instanceof Error ? err.message : String(err);
    }
    for (const c of deps.readinessChecks ?? []) {
      try {
        await c.check();
        checks[c.name] = 'ok';
      } catch (err) {
        ready = false;
        checks[c.name] = err instanceof Error ? err.message : String(err);
      }
    }
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', modelVersion, checks };
  });

  // A read like the feed (open unless reads are keyed): counts, latencies and the bundle version, nothing per listener;
  // the page's live panel reads it.
  app.get('/metrics', { config: { scope: 'feed' }, schema: { summary: 'Prometheus metrics', tags: ['admin'], response: { 200: { type: 'string' } } } }, async (_req, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
};
