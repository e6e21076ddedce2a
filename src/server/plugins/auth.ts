// Access control at the edge: every route declares the scope it needs in its options
// (`config: { scope: 'events' }`); one onRequest hook on the root checks the presented API key
// (Authorization: Bearer <secret>, or x-api-key) against it, and an onRoute hook writes the same scope
// into the route's OpenAPI security requirement. A route that declares nothing needs `admin` unless it
// is a GET/HEAD (then `feed` under /v1/, public elsewhere: health, docs, the page).
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { Errors } from '../../domain/errors.js';
import type { ApiKeys, KeyIdentity, Scope } from '../apiKeys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a caller's API key must allow; `public` needs no key. */
    scope?: Scope | 'public';
  }
  interface FastifyRequest {
    /** The API key this request presented and that matched, or null. */
    apiKey: KeyIdentity | null;
  }
}

export interface AuthConfig {
  readonly keys: ApiKeys;
  /** true: `feed` routes (reads) need no key; false: they need a key with the `feed` scope. */
  readonly readsOpen: boolean;
}

/** Query parameters that look like credentials: refused (and redacted from logs), never read. */
const KEY_PARAMS = new Set(['api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'x-api-key', 'authorization', 'secret']);

function queryNames(url: string): string[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  return url.slice(q + 1).split('&').map((pair) => pair.split('=')[0]!.toLowerCase());
}

/** The URL with the value of every credential-like query parameter replaced (for log lines). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const name = pair.split('=')[0]!;
    return KEY_PARAMS.has(name.toLowerCase()) ? `${name}=[redacted]` : pair;
  });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

export function requiredScope(method: string, url: string | undefined, declared: Scope | 'public' | undefined): Scope | 'public' {
  if (declared !== undefined) return declared;
  if (url === undefined) return 'public'; // no route matched: the 404 handler answers
  if (method === 'GET' || method === 'HEAD') return url.startsWith('/v1/') ? 'feed' : 'public';
  return 'admin';
}

/** The secret the request presents, '' when none; throws 401 for an Authorization header of another kind. */
function presentedSecret(req: FastifyRequest): string {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(auth);
    if (m === null) throw Errors.unauthorized('the Authorization header must be "Bearer <API key>"');
    return m[1]!;
  }
  const header = req.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : '';
}

function check(config: AuthConfig, req: FastifyRequest): void {
  const bad = queryNames(req.url).find((n) => KEY_PARAMS.has(n));
  if (bad !== undefined) throw Errors.keyInQuery(bad);
  const scope = requiredScope(req.method, req.routeOptions.url, req.routeOptions.config.scope);
  const secret = presentedSecret(req);
  req.apiKey = secret === '' ? null : config.keys.lookup(secret);
  if (scope === 'public' || (scope === 'feed' && config.readsOpen)) return;
  if (secret === '') {
    throw Errors.unauthorized(
      config.keys.size === 0
        ? `this route needs an API key with the "${scope}" scope, and none is configured (set ENCORE_API_KEYS or --api-keys-file)`
        : `this route needs an API key with the "${scope}" scope: send "Authorization: Bearer <key>" or "x-api-key: <key>"`,
    );
  }
  if (req.apiKey === null) throw Errors.unauthorized('unknown API key');
  if (!req.apiKey.scopes.has(scope)) throw Errors.forbidden(scope);
}

/** OpenAPI: the security requirement (and a line of description) of a route, from its scope. */
function documentScope(route: RouteOptions, readsOpen: boolean): void {
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  if (schema.hide === true) return;
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const scope = requiredScope(method, route.url, route.config?.scope);
  const keyed = [{ bearerAuth: [] }, { apiKeyHeader: [] }];
  const open = scope === 'public' || (scope === 'feed' && readsOpen);
  const note = open ? (scope === 'feed' ? 'No API key needed (reads are open on this service).' : 'No API key needed.') : `Needs an API key with the \`${scope}\` scope (401 without one, 403 with one that lacks it).`;
  const description = typeof schema.description === 'string' ? `${schema.description}\n\n${note}` : note;
  route.schema = { ...schema, security: open ? [] : keyed, description };
}

/** Call on the root instance before any route is registered (hooks and onRoute are encapsulated). */
export function installAuth(app: FastifyInstance, config: AuthConfig): void {
  app.decorateRequest('apiKey', null);
  app.addHook('onRoute', (route) => documentScope(route, config.readsOpen));
  app.addHook('onRequest', async (req) => check(config, req));
}

/** OpenAPI components for the two ways to send a key (src/server/plugins/docs.ts). */
export const securitySchemes = {
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'the API key in the x-api-key header' },
} as const;
