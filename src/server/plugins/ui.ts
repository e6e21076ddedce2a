// The listener page (web/, built by Vite into dist/ui): index.html at /, its assets under /ui/ through
// @fastify/static. In the embedded demo only (`encore start`), a key is written into the page
// (<meta name="encore-api-key">) so that it can act as a listener; no other mode sends a key to a browser.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface UiOptions {
  /**
   * `encore start` (embedded demo on 127.0.0.1) ONLY: a feed+events key written into the page so that it
   * can act as a listener. Every other mode leaves it unset: no key is ever sent to a browser.
   */
  readonly pageKey?: string;
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

export function withPageKey(html: string, key: string | undefined): string {
  if (key === undefined) return html;
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error('the page key must be base64url');
  return html.replace('<head>', `<head>\n  <meta name="encore-api-key" content="${key}">`);
}

export const uiPlugin: FastifyPluginAsync<UiOptions> = async (app, opts) => {
  const dir = builtWebDir();
  const indexFile = `${dir}index.html`;
  const built = fs.existsSync(indexFile);
  withPageKey('', opts.pageKey); // refuse a bad key at start, not at the first request

  app.get('/', { config: { scope: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    void reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', opts.pageKey !== undefined ? 'no-store' : 'no-cache');
    if (!built) return NOT_BUILT;
    // Read per request: `npm run build:web` while the service runs is picked up on reload.
    return withPageKey(await fs.promises.readFile(indexFile, 'utf8'), opts.pageKey);
  });
  if (built) await app.register(fastifyStatic, { root: dir, prefix: '/ui/', index: false });
};
