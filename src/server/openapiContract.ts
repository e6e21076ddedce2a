// The API contract apps generate clients from, completed centrally for every route (the route plugins only
// describe their own inputs and 2xx answers): a stable operationId per operation from one table, and the
// coded errors (EncoreError) that any route can answer, documented where a route does not say it itself.
import type { RouteOptions } from 'fastify';

/**
 * The operationId of every operation, keyed by `METHOD url` as the route is registered. A route missing here
 * fails test/server/openapi.test.ts, so a new route cannot go without a name; a name is never changed
 * (generated clients call operations by it).
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  'GET /healthz': 'checkLiveness',
  'GET /readyz': 'checkReadiness',
  'GET /metrics': 'getMetrics',
  'GET /v1/users/:userId/feed': 'getFeed',
  'POST /v1/events': 'postEvents',
  'PUT /v1/tracks': 'upsertTracks',
  'GET /v1/tracks': 'searchTracks',
  'GET /v1/tracks/:trackId': 'getTrack',
  'DELETE /v1/tracks/:trackId': 'takeDownTrack',
  'GET /v1/genres': 'listGenres',
  'GET /v1/markets': 'listMarkets',
  'GET /v1/users/:userId': 'getUser',
  'PUT /v1/users/:userId': 'putUserProfile',
  'DELETE /v1/users/:userId': 'deleteUser',
};

const coded = (description: string) => ({ description, $ref: 'EncoreError#' });
/** Answered by Node's HTTP server before any Encore code runs: a status line and no body. */
const bodiless = (description: string) => ({ description, type: 'null' });

/** What each status means, whichever route answers it; every body is an EncoreError unless said otherwise. */
export const ERROR_RESPONSES = {
  400: coded('Bad request (ENC_BAD_REQUEST and others): a path, query or body field fails its schema or its check (the message names the field), the body is not valid JSON, or an API key was sent in the query string'),
  401: coded('No API key where one is needed, an unknown key, or an Authorization header that is not "Bearer <key>" (ENC_UNAUTHORIZED)'),
  403: coded('The API key lacks the scope this route needs (ENC_FORBIDDEN)'),
  404: coded('Not found: the id names nothing in this catalog'),
  408: bodiless('The request was not received in time (Node answers, no body)'),
  413: coded('The request body is larger than this route accepts (ENC_TOO_LARGE)'),
  414: coded('The URL, or one of its path segments, is too long (ENC_URL_TOO_LONG)'),
  415: coded('The body is not application/json (ENC_UNSUPPORTED_MEDIA)'),
  429: coded('Rate limit of this API key or client address exceeded (ENC_RATE_LIMITED); see Retry-After'),
  431: bodiless('The request headers are too large (Node answers, no body)'),
  500: coded('An unexpected failure (ENC_INTERNAL); the message says nothing more, the server log does'),
  503: coded('Unavailable, retry later (see Retry-After): no model loaded yet, storage unavailable (ENC_STORAGE), overloaded (ENC_OVERLOADED) or not answered within the deadline (ENC_TIMEOUT)'),
} as const;

type Status = keyof typeof ERROR_RESPONSES;
type RouteSchema = NonNullable<RouteOptions['schema']>;

/**
 * The statuses a route can answer besides its own: every route can meet the URL and header limits, a deadline
 * and an unexpected failure; input schemas add 400, a body 413/415, /v1/ the rate limit; the auth plugin (its
 * onRoute hook runs before this one and sets `security` on every route) adds 400 and 401, a key requirement 403.
 * 404 is declared by the routes that look an id up (errorResponses in src/server/schemas/common.ts).
 */
export function errorStatuses(method: string, url: string, schema: RouteSchema): Status[] {
  const statuses: Status[] = [408, 414, 431, 500, 503];
  const hasBody = schema.body !== undefined;
  // The auth plugin (when installed) refuses a key-like query parameter on every route: a 400.
  if (hasBody || schema.params !== undefined || schema.querystring !== undefined || schema.headers !== undefined || schema.security !== undefined) statuses.push(400);
  if (hasBody && method !== 'GET') statuses.push(413, 415);
  if (url.startsWith('/v1/')) statuses.push(429);
  // The auth plugin answers 401 to an Authorization header that is not "Bearer <key>" even where no key is needed.
  if (schema.security !== undefined) statuses.push(401);
  if (Array.isArray(schema.security) && schema.security.length > 0) statuses.push(403);
  return statuses.sort((a, b) => a - b);
}

/**
 * onRoute hook (registered on the root before any route): names the operation, adds the coded error answers
 * without replacing any a route declares, and marks an operation that needs no key with `security: []`
 * (the auth plugin sets it first where it is installed).
 */
export function completeRouteContract(route: RouteOptions): void {
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const schema: RouteSchema = route.schema ?? {};
  if (schema.hide === true || method === 'HEAD') return;
  const operationId = schema.operationId ?? OPERATION_IDS[`${method} ${route.url}`];
  const errors = Object.fromEntries(errorStatuses(method, route.url, schema).map((s) => [s, { ...ERROR_RESPONSES[s] }]));
  route.schema = {
    ...schema,
    ...(operationId !== undefined ? { operationId } : {}),
    security: schema.security ?? [],
    response: { ...errors, ...(schema.response as Record<string, unknown> | undefined) },
  };
}

/** OpenAPI info.license and servers (the default port of `encore serve` and `encore start`, and any other). */
export const LICENSE = { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' } as const;

export const SERVERS = [
  { url: '/', description: 'the service that serves this document (what the page at /docs calls)' },
  {
    url: '{scheme}://{host}:{port}',
    description: 'an Encore service anywhere; the defaults are `encore start` or `encore serve` on this machine',
    variables: {
      scheme: { default: 'http', enum: ['http', 'https'] },
      host: { default: 'localhost', description: 'host name or address' },
      port: { default: '8080' },
    },
  },
];

/** Component names from the shared schemas' $id (EncoreError) instead of def-0, def-1, … */
export function componentName(json: { $id?: unknown }, _baseUri: unknown, _fragment: unknown, i: number): string {
  return typeof json.$id === 'string' ? json.$id : `def-${i}`;
}
