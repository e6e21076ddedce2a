// Composition root of the HTTP service: one Fastify plugin per area, dependencies passed in once.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';
import { MAX_ID_BYTES } from '../domain/ids.js';
import { errorSchema } from './schemas/common.js';
import { installErrorHandler } from './errorHandler.js';
import { adminPlugin, installHttpMetrics } from './plugins/admin.js';
import { registerDocs } from './plugins/docs.js';
import { eventsPlugin } from './plugins/events.js';
import { feedPlugin } from './plugins/feed.js';
import { tracksPlugin } from './plugins/tracks.js';
import { catalogBrowsePlugin } from './plugins/catalogBrowse.js';
import { usersPlugin } from './plugins/users.js';
import { uiPlugin, type UiOptions } from './plugins/ui.js';

export interface AppOptions {
  /** Fastify request logging (off by default: the benchmark and tests do not want it). */
  readonly logRequests?: boolean;
  readonly ui?: UiOptions;
}

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // An id is up to 256 bytes of UTF-8, i.e. up to 768 characters percent-encoded in a path.
    routerOptions: { maxParamLength: 3 * MAX_ID_BYTES },
    logger: options.logRequests === true ? { level: 'info' } : false,
    ajv: { customOptions: { removeAdditional: true, useDefaults: true, coerceTypes: true, allErrors: false } },
  });
  app.addSchema(errorSchema);
  installErrorHandler(app);
  installHttpMetrics(app, deps.metrics);
  await registerDocs(app);
  await app.register(adminPlugin, { deps });
  await app.register(feedPlugin, { deps });
  await app.register(eventsPlugin, { deps });
  await app.register(tracksPlugin, { deps });
  await app.register(catalogBrowsePlugin, { deps });
  await app.register(usersPlugin, { deps });
  await app.register(uiPlugin, options.ui ?? {});
  return app;
}
