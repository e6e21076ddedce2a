// The OpenAPI document as a contract apps generate clients from: every operation named, every route's coded
// errors listed, Redocly's recommended rules passed, and a client generated with openapi-typescript +
// openapi-fetch that type-checks and calls the feed, events and tracks routes of a listening service.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { RouteOptions } from 'fastify';
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import { buildApp } from '../../src/server/app.js';
import { completeRouteContract, ERROR_RESPONSES, OPERATION_IDS } from '../../src/server/openapiContract.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';
import { CLIENT_SOURCE } from './openapiClientSource.js';
import { generateTypes, redoclyLint, scratchDir, transpile, typeErrors } from './openapiTools.js';

interface Response {
  readonly description: string;
  readonly content?: Record<string, { readonly schema: { readonly $ref?: string } }>;
}
interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly unknown[];
  readonly requestBody?: unknown;
  readonly responses: Record<string, Response>;
}
interface Document {
  readonly servers?: readonly { readonly url: string }[];
  readonly paths: Record<string, Record<string, Operation>>;
}

const ENCORE_ERROR = '#/components/schemas/EncoreError';

async function serviceDocument(): Promise<Document> {
  const app = await buildApp(testDeps(makeTestWorld({ tracks: 300, users: 10 })));
  try {
    const res = await app.inject('/docs/json');
    assert.equal(res.statusCode, 200);
    return res.json<Document>();
  } finally {
    await app.close();
  }
}

function operations(doc: Document): { key: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, path, op })),
  );
}

test('every operation is named from the one table, and every name in it is a route', async () => {
  const ops = operations(await serviceDocument());
  for (const { key, op } of ops) {
    assert.ok(OPERATION_IDS[key] !== undefined, `${key} has no operationId: name it in OPERATION_IDS (src/server/openapiContract.ts)`);
    assert.equal(op.operationId, OPERATION_IDS[key], `${key}: the route declares another operationId than the table`);
  }
  assert.deepEqual(ops.map((o) => o.key).sort(), Object.keys(OPERATION_IDS).sort(), 'OPERATION_IDS names a route that does not exist');
});

test('every route lists the 4xx and 5xx it can answer, with the coded error schema', async () => {
  const doc = await serviceDocument();
  assert.ok((doc.servers ?? []).length > 0, 'servers are declared');
  for (const { key, path, op } of operations(doc)) {
    const statuses = Object.keys(op.responses).map(Number);
    const expected = [408, 414, 431, 500, 503];
    if (op.parameters !== undefined || op.requestBody !== undefined) expected.push(400);
    if (op.requestBody !== undefined) expected.push(413, 415);
    if (path.startsWith('/v1/')) expected.push(429);
    for (const s of expected) assert.ok(statuses.includes(s), `${key} does not list ${s}`);
    for (const s of statuses.filter((x) => x >= 400)) {
      const r = op.responses[String(s)]!;
      assert.ok(r.description.length > 0, `${key} ${s} has a description`);
      if (s === 408 || s === 431) assert.equal(r.content, undefined, `${key} ${s}: Node answers it without a body`);
      else if (key === 'GET /readyz' && s === 503) assert.notEqual(r.content?.['application/json']?.schema, undefined, 'readiness keeps its own 503 body');
      else assert.equal(r.content?.['application/json']?.schema.$ref, ENCORE_ERROR, `${key} ${s} answers an EncoreError`);
    }
  }
});

test('a route that needs a key lists 401 and 403, an open one of a keyed service 401; what a route declares itself is kept', () => {
  const own = { description: 'own 404', $ref: 'EncoreError#' };
  const route = { method: 'GET', url: '/v1/x/:id', handler: () => undefined, schema: { security: [{ bearerAuth: [] }], params: {}, response: { 200: {}, 404: own } } } as unknown as RouteOptions;
  completeRouteContract(route);
  const response = (route.schema as { response: Record<string, unknown> }).response;
  assert.deepEqual(Object.keys(response).map(Number).sort((a, b) => a - b), [200, 400, 401, 403, 404, 408, 414, 429, 431, 500, 503]);
  assert.equal(response[404], own);
  assert.deepEqual(response[401], ERROR_RESPONSES[401]);
  const open = { method: 'GET', url: '/healthz', handler: () => undefined, schema: { response: { 200: {} } } } as unknown as RouteOptions;
  completeRouteContract(open);
  assert.deepEqual((open.schema as { security: unknown }).security, [], 'no key needed: security is declared empty');
  assert.deepEqual(Object.keys((open.schema as { response: Record<string, unknown> }).response), ['200', '408', '414', '431', '500', '503'], 'no auth plugin: no 400, 401 or 403');
  const openWithAuth = { method: 'GET', url: '/v1/y', handler: () => undefined, schema: { security: [] } } as unknown as RouteOptions;
  completeRouteContract(openWithAuth);
  const openResponse = (openWithAuth.schema as { response: Record<string, unknown> }).response;
  assert.ok(openResponse[400] !== undefined && openResponse[401] !== undefined && openResponse[403] === undefined, 'open route of a keyed service: 400 and 401, no 403');
});

test('the document passes Redocly\'s recommended rules', async (t) => {
  const dir = await scratchDir();
  try {
    const result = await redoclyLint(await serviceDocument(), dir);
    const describe = (p: (typeof result.problems)[number]) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`;
    for (const p of result.problems) t.diagnostic(describe(p));
    assert.equal(result.totals.errors, 0, result.problems.filter((p) => p.severity === 'error').map(describe).join('\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

interface Outcome {
  readonly feedTitles: string[];
  readonly feedModel: string;
  readonly accepted: string[];
  readonly rejectedReasons: string[];
  readonly added: string[];
  readonly track: { trackId: string; title: string; artist: string; markets: string[] | 'everywhere' };
  readonly found: string[];
  readonly takenDown: boolean;
  readonly missing: { status: number; error: { code: string; message: string } };
  readonly badLimit: { status: number; error: { code: string; message: string } };
}

test('a client generated with openapi-typescript + openapi-fetch type-checks and calls feed, events and tracks', async () => {
  const dir = await scratchDir();
  const world = makeTestWorld({ tracks: 300, users: 10 });
  const app = await buildApp({ ...testDeps(world), catalog: new MutableCatalog(world.catalog) });
  try {
    await generateTypes(await serviceDocument(), dir);
    const clientFile = join(dir, 'client.ts');
    await writeFile(clientFile, CLIENT_SOURCE);
    assert.deepEqual(typeErrors(clientFile), [], 'the client type-checks against the generated types');
    const client = (await import(pathToFileURL(await transpile(clientFile, CLIENT_SOURCE)).href)) as { exercise: (base: string, user: string, track: string) => Promise<Outcome> };

    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const out = await client.exercise(`http://127.0.0.1:${port}`, 'contract listener ü', world.catalog.trackIds.idAt(0));
    assert.equal(out.feedTitles.length, 5);
    assert.ok(out.feedTitles.every((title) => title.startsWith('Track ')), out.feedTitles.join());
    assert.equal(out.feedModel, world.bundle.version);
    assert.deepEqual(out.accepted, ['contract-1']);
    assert.equal(out.rejectedReasons.length, 1);
    assert.deepEqual(out.added, ['contract:track/1']);
    assert.deepEqual(out.track, { trackId: 'contract:track/1', title: 'Contract Song', artist: 'The Contracts', markets: 'everywhere' });
    assert.ok(out.found.includes('contract:track/1'), out.found.join());
    assert.equal(out.takenDown, true);
    assert.equal(out.missing.status, 404);
    assert.equal(out.missing.error.code, 'ENC_UNKNOWN_TRACK');
    assert.equal(out.badLimit.status, 400);
    assert.equal(out.badLimit.error.code, 'ENC_BAD_REQUEST');
    assert.match(out.badLimit.error.message, /limit/);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
