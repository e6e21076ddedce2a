// The demo UI: web/index.html and web/app.js served at / (two fixed files, read once; hand-written
// rather than @fastify/static because there is nothing to negotiate for two files).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/** web/ relative to this file, both from src/ (ts) and dist/src/ (compiled). */
function webDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = new URL('../../../../web/', import.meta.url);
  const fromSrc = new URL('../../../web/', import.meta.url);
  return fileURLToPath(here.includes('/dist/') ? fromDist : fromSrc);
}

export const uiPlugin: FastifyPluginAsync = async (app) => {
  const dir = webDir();
  const files: Record<string, { body: string; type: string }> = {
    '/': { body: readFileSync(`${dir}index.html`, 'utf8'), type: 'text/html; charset=utf-8' },
    '/app.js': { body: readFileSync(`${dir}app.js`, 'utf8'), type: 'text/javascript; charset=utf-8' },
  };
  for (const [path, file] of Object.entries(files)) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) => {
      void reply.header('content-type', file.type);
      return file.body;
    });
  }
};
