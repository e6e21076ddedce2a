// Property-based fuzzing of every route (fast-check, through app.inject()): random and malformed ids,
// queries, bodies, content types and credentials. The routes come from the app's own OpenAPI document
// (plus the page and an unknown path), so a route added later is fuzzed without touching this file.
// The property: no 5xx, and every rejection is a 4xx with a coded JSON error and a message.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import { ApiKeys } from '../../src/server/apiKeys.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

/** The test world with a writable catalog (PUT /v1/tracks applies changes instead of answering 503). */
export const fuzzDeps = () => {
  const deps = testDeps(makeTestWorld());
  return { ...deps, catalog: new MutableCatalog(deps.catalog) };
};

export const FUZZ_KEYS = { all: 'fuzz-owner-key-0123456789', eventsOnly: 'fuzz-events-key-0123456789' };
export const fuzzKeys = () => ApiKeys.parse({ env: `${FUZZ_KEYS.all}:feed+events+catalog+users+admin,${FUZZ_KEYS.eventsOnly}:events` });

export interface Target {
  readonly method: string;
  /** Path template, parameters as `{name}`. */
  readonly path: string;
}

export interface FuzzStats {
  requests: number;
  readonly byStatus: Map<number, number>;
  fiveXx: number;
}

export function newStats(): FuzzStats {
  return { requests: 0, byStatus: new Map(), fiveXx: 0 };
}

/** Every documented route and method of the app, the page, and a route that does not exist. */
export async function targetsOf(app: FastifyInstance): Promise<Target[]> {
  await app.ready();
  const spec = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const out: Target[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const m of Object.keys(methods)) out.push({ method: m.toUpperCase(), path });
  }
  out.push({ method: 'GET', path: '/' }, { method: 'GET', path: '/nope/{x}' }, { method: 'DELETE', path: '/v1/events' });
  return out;
}

const weird = ['', ' ', '%', '%%', '%zz', '%c3%28', '%ff%fe', '%00', '..', '.', '/', '//', '?', '#', '\\', 'u-1', 'u1e9', 'u00000000001', 't' + '9'.repeat(40), 'null', 'undefined', '[object Object]', '__proto__', 'constructor', '%F0%9F%8E%B5', '%E2%80%AE'];

/** A path segment: unicode (encoded), ASCII, huge, empty, or raw invalid percent-encoding. */
const segment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 300 }).map(encodeURIComponent),
  fc.stringMatching(/^[a-z]{0,2}[0-9]{0,12}$/),
  fc.constantFrom(...weird),
  fc.integer({ min: 250, max: 3000 }).map((n) => 'x'.repeat(n)),
);

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('-1', '0', '1e309', '-0', 'NaN', 'Infinity', '1.5', '0x10', '9007199254740993', '', ' 5', '5 ', '1,2'),
  fc.double().map(String),
);

const queryValue = fc.oneof(numberText, segment, fc.constantFrom('true', 'false', 'home', 'radio', 'TRUE', 'yes', '1,2,3', '0,'.repeat(30)));
const queryKey = fc.oneof(fc.constantFrom('surface', 'limit', 'seedTrackId', 'genres', 'diversity', 'q', 'offset', 'market', 'genre'), segment);
const query = fc.array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 6 }).map((pairs) =>
  pairs.length === 0 ? '' : `?${pairs.map(([k, v, bare]) => (bare ? k : `${k}=${v}`)).join('&')}`,
);

/** A JSON value nested `depth` times (arrays or objects). */
function deep(depth: number, object: boolean): string {
  return object ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, null, '', [], {}));
const eventLike = fc.record(
  {
    eventId: fc.oneof(fc.uuid(), anyValue),
    type: fc.oneof(fc.constantFrom('play_start', 'complete', 'skip', 'like', 'dislike', 'save', 'ban_artist', 'follow_artist', 'impression'), anyValue),
    userId: fc.oneof(fc.constantFrom('u1', 'u0', 'u99', 'u100000'), anyValue),
    trackId: fc.oneof(fc.constantFrom('t1', 't0', 't2999', 't3000'), anyValue),
    artistId: fc.oneof(fc.constantFrom('a1', 'a0'), anyValue),
    timestamp: fc.oneof(fc.constant(Date.now()), anyValue),
    surface: fc.oneof(fc.constantFrom('home', 'radio'), anyValue),
    position: fc.oneof(fc.integer(), anyValue),
    propensity: fc.oneof(fc.double(), anyValue),
    requestId: anyValue,
  },
  { requiredKeys: [] },
);
const trackLike = fc.record(
  {
    trackId: fc.oneof(fc.constantFrom('t1', 't3000', 't-1'), anyValue),
    title: anyValue,
    artistId: anyValue,
    genre: fc.oneof(fc.integer(), anyValue),
    releaseDate: fc.oneof(fc.constantFrom('2024-01-01', '2024-13-45', '0000-00-00'), anyValue),
    durationMs: fc.oneof(fc.integer(), anyValue),
    markets: fc.oneof(fc.array(fc.constantFrom('US', 'SE', 'XX')), anyValue),
    popularity: fc.oneof(fc.double(), anyValue),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  { weight: 4, arbitrary: fc.array(eventLike, { maxLength: 8 }).map((events) => JSON.stringify({ events })) },
  { weight: 2, arbitrary: fc.array(trackLike, { maxLength: 4 }).map((tracks) => JSON.stringify({ tracks })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 100, max: 200_000 }), fc.boolean()).map(([d, o]) => (o ? `{"events":[${deep(d, true)}]}` : deep(d, false))) },
  { weight: 1, arbitrary: fc.constantFrom('{"events":[],"events":[{"eventId":"x"}]}', '{"tracks":[{"trackId":"t1","trackId":"t2"}]}', '{"events":[{"eventId":"d","eventId":"e","type":"like","type":"skip"}]}') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '{', '[', '{"events":', '\u0000', '\ufeff{"events":[]}', '{"__proto__":{"x":1},"events":[]}', '{"constructor":{"prototype":{"x":1}}}', 'true', '1e400', '"\\ud800"') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000_000 }).map((n) => `{"events":[{"eventId":"${'e'.repeat(n)}"}]}`) },
);

const contentType = fc.constantFrom(
  'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'garbage', '', undefined,
);

export interface Keys {
  readonly all: string;
  readonly eventsOnly: string;
}

function authHeaders(keys: Keys | undefined) {
  const values = keys === undefined ? [] : [{ authorization: `Bearer ${keys.all}` }, { 'x-api-key': keys.eventsOnly }];
  return fc.oneof(
    fc.constant({}),
    fc.constantFrom(...values, { authorization: 'Bearer ' }, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer a b c' }, { 'x-api-key': '' }),
    fc.stringMatching(/^[A-Za-z0-9._~+/=-]{0,80}$/).map((s) => ({ authorization: `Bearer ${s}` })),
  );
}

const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');

function fill(path: string, segments: readonly string[]): string {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => segments[i++ % segments.length] ?? 'x');
}

function checkAnswer(status: number, headers: Record<string, unknown>, text: string, what: string): void {
  assert.ok(status < 500, `${what} -> ${status} ${text.slice(0, 300)}`);
  if (status < 400) return;
  assert.match(String(headers['content-type'] ?? ''), /application\/json/, `${what} -> ${status}: JSON error`);
  const err = JSON.parse(text) as { code?: unknown; message?: unknown; statusCode?: unknown };
  assert.match(String(err.code), /^ENC_[A-Z_]+$/, `${what} -> ${status}: coded (${text.slice(0, 200)})`);
  assert.ok(typeof err.message === 'string' && err.message.length >= 8, `${what} -> ${status}: a message (${text.slice(0, 200)})`);
  assert.equal(err.statusCode, status);
}

/** Runs `runs` random requests against `app`; throws (with fast-check's shrunk counterexample) on the first bad answer. */
export async function fuzzRoutes(app: FastifyInstance, runs: number, stats: FuzzStats, keys?: Keys, seed?: number): Promise<void> {
  const targets = await targetsOf(app);
  const request = fc.record({
    target: fc.constantFrom(...targets),
    method: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: methods }),
    segments: fc.array(segment, { minLength: 1, maxLength: 3 }),
    query,
    body: fc.option(body, { freq: 6 }),
    contentType,
    auth: authHeaders(keys),
  });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const method = r.method ?? r.target.method;
      const url = fill(r.target.path, r.segments) + r.query;
      const headers: Record<string, string> = { ...r.auth };
      if (r.contentType !== undefined && r.body !== null) headers['content-type'] = r.contentType;
      const res = await app.inject({ method: method as 'GET', url, headers, ...(r.body !== null && method !== 'GET' && method !== 'HEAD' ? { payload: r.body } : {}) });
      stats.requests++;
      stats.byStatus.set(res.statusCode, (stats.byStatus.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500) stats.fiveXx++;
      const what = `${method} ${url.slice(0, 200)}`;
      if (method === 'HEAD') assert.ok(res.statusCode < 500, `${what} -> ${res.statusCode}`);
      else checkAnswer(res.statusCode, res.headers, res.body, what);
    }),
    { numRuns: runs, ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
  );
}
