// The listener page (web/, built by Vite into dist/ui): index.html at /, its assets under /ui/ through
// @fastify/static, and /ui/config.json with what the page may use (the local API key in the embedded
// demo mode only, never otherwise).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface UiOptions {
  /** An API key the page sends as `Authorization: Bearer <key>` (embedded `npm start` mode only). */
  readonly apiKey?: string;
}

/** What GET /ui/config.json answers. */
export interface UiConfig {
  readonly apiKey: string | null;
}

/** dist/ui, both from dist/src/server/plugins (compiled) and src/server/plugins (ts run directly). */
export function builtWebDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return fileURLToPath(new URL(here.includes('/dist/') ? '../../../ui/' : '../../../dist/ui/', import.meta.url));
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Encore</title>
<link rel="icon" href="data:,"></head><body><h1>Encore</h1>
<p>The page is not built yet: run <code>npm run build</code> (or <code>npm start</code>), then reload.</p>
<p><a href="/docs">API docs</a></p></body></html>`;

export const uiPlugin: FastifyPluginAsync<UiOptions> = async (app, opts) => {
  const dir = builtWebDir();
  const indexFile = `${dir}index.html`;
  const built = fs.existsSync(indexFile);
  const config: UiConfig = { apiKey: opts.apiKey ?? null };

  app.get('/ui/config.json', { schema: { hide: true } }, async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    return config;
  });
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    void reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache');
    // Read per request: `npm run build:web` while the service runs is picked up on reload.
    return built ? fs.promises.readFile(indexFile, 'utf8') : NOT_BUILT;
  });
  if (built) await app.register(fastifyStatic, { root: dir, prefix: '/ui/', index: false });
};
