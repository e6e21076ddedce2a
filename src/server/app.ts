// Composition root of the HTTP service: one Fastify plugin per area, dependencies passed in once.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';
import { errorSchema } from './schemas/common.js';
import { installErrorHandler, frameworkErrors } from './errorHandler.js';
import { adminPlugin, installHttpMetrics } from './plugins/admin.js';
import { installAuth, redactUrl, type AuthConfig } from './plugins/auth.js';
import { registerDocs } from './plugins/docs.js';
import { eventsPlugin } from './plugins/events.js';
import { feedPlugin } from './plugins/feed.js';
import { DEFAULT_LIMITS, installLimits, serverLimitOptions, type LimitsConfig } from './plugins/limits.js';
import { sheddingServer, type OverloadConfig } from './plugins/overload.js';
import { tracksPlugin } from './plugins/tracks.js';
import { catalogBrowsePlugin } from './plugins/catalogBrowse.js';
import { usersPlugin } from './plugins/users.js';
import { uiPlugin, type UiOptions } from './plugins/ui.js';

export interface AppOptions {
  /** Fastify request logging (off by default: the benchmark and tests do not want it). */
  readonly logRequests?: boolean;
  /** API keys and scopes (src/server/plugins/auth.ts). Absent: no access control (tests of other concerns only). */
  readonly auth?: AuthConfig;
  /** URL length, deadline and rate limits; DEFAULT_LIMITS when absent. */
  readonly limits?: LimitsConfig;
  /** Load shedding (src/server/plugins/overload.ts); absent: none. */
  readonly overload?: OverloadConfig;
  readonly ui?: UiOptions;
  /** Where request log lines go (default stdout); tests capture them. */
  readonly logStream?: NodeJS.WritableStream;
}

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logRequests === true ? { ...requestLogger, ...(options.logStream !== undefined ? { stream: options.logStream } : {}) } : false,
    ajv: { customOptions: { removeAdditional: true, useDefaults: true, coerceTypes: true, allErrors: false } },
    bodyLimit: serverLimitOptions.bodyLimit,
    requestTimeout: serverLimitOptions.requestTimeout,
    routerOptions: { maxParamLength: serverLimitOptions.maxParamLength },
    http: { maxHeaderSize: serverLimitOptions.maxHeaderSize },
    frameworkErrors,
    ...(options.overload !== undefined ? { serverFactory: sheddingServer(options.overload, deps.metrics) } : {}),
  });
  app.addSchema(errorSchema);
  installErrorHandler(app);
  if (options.auth !== undefined) installAuth(app, options.auth);
  await installLimits(app, options.limits ?? DEFAULT_LIMITS);
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

/** Request log lines never carry a credential: headers are redacted, key-like query values too. */
const requestLogger = {
  level: 'info',
  redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]'], censor: '[redacted]' },
  serializers: {
    req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), hostname: req.hostname ?? '', remoteAddress: req.ip ?? '', remotePort: 0 }),
  },
};
