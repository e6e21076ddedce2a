// The demo UI: web/index.html and web/app.js served at / (two fixed files, read once; hand-written
// rather than @fastify/static because there is nothing to negotiate for two files).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

export interface UiOptions {
  /**
   * `encore start` (embedded demo on 127.0.0.1) ONLY: a feed+events key written into the page so that it
   * can act as a listener. Every other mode leaves it unset: no key is ever sent to a browser.
   */
  readonly pageKey?: string;
}

/** web/ relative to this file, both from src/ (ts) and dist/src/ (compiled). */
function webDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = new URL('../../../../web/', import.meta.url);
  const fromSrc = new URL('../../../web/', import.meta.url);
  return fileURLToPath(here.includes('/dist/') ? fromDist : fromSrc);
}

function withPageKey(html: string, key: string | undefined): string {
  if (key === undefined) return html;
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error('the page key must be base64url');
  return html.replace('<head>', `<head>\n  <meta name="encore-api-key" content="${key}">`);
}

export const uiPlugin: FastifyPluginAsync<UiOptions> = async (app, opts) => {
  const dir = webDir();
  const files: Record<string, { body: string; type: string }> = {
    '/': { body: withPageKey(readFileSync(`${dir}index.html`, 'utf8'), opts.pageKey), type: 'text/html; charset=utf-8' },
    '/app.js': { body: readFileSync(`${dir}app.js`, 'utf8'), type: 'text/javascript; charset=utf-8' },
  };
  for (const [path, file] of Object.entries(files)) {
    app.get(path, { config: { scope: 'public' }, schema: { hide: true } }, async (_req, reply) => {
      void reply.header('content-type', file.type);
      if (opts.pageKey !== undefined) void reply.header('cache-control', 'no-store');
      return file.body;
    });
  }
};
