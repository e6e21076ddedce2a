// Access control: scopes per route, 401/403 coded errors, keys never in the query string or a log line,
// the OpenAPI document's security requirements, the local keys of `encore start`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { ApiKeys, ensureLocalKeys } from '../../src/server/apiKeys.js';
import { buildApp } from '../../src/server/app.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

const EVENTS_KEY = 'events-key-0123456789';
const ALL_KEY = 'owner-key-0123456789ab';
const keys = ApiKeys.parse({ env: `${EVENTS_KEY}:events, ${ALL_KEY}:feed+events+catalog+users+admin` });
const event = (id: string) => ({ events: [{ eventId: id, type: 'like', userId: 'u1', trackId: 't5', timestamp: Date.now(), surface: 'home' }] });

test('keys: parsed with scopes, matched by hash, unknown scopes and short secrets refused', () => {
  assert.equal(keys.size, 2);
  assert.deepEqual([...keys.lookup(EVENTS_KEY)!.scopes], ['events']);
  assert.equal(keys.lookup('events-key-0123456788'), null);
  assert.equal(keys.lookup(''), null);
  assert.throws(() => ApiKeys.parse({ env: 'abcdefghijklmnopqrst:everything' }), /unknown scope "everything"/);
  assert.throws(() => ApiKeys.parse({ env: 'short:events' }), /at least 16 characters/);
  assert.throws(() => ApiKeys.parse({ env: 'abcdefghijklmnopqrst' }), /secret:scope\+scope/);
});

test('writes need a key with their scope: 401 without, 403 with the wrong scope, 200 with it; reads open', async () => {
  const app = await buildApp(testDeps(makeTestWorld()), { auth: { keys, readsOpen: true } });
  try {
    const none = await app.inject({ method: 'POST', url: '/v1/events', payload: event('a1') });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json<{ code: string }>().code, 'ENC_UNAUTHORIZED');
    const wrong = await app.inject({ method: 'POST', url: '/v1/events', payload: event('a2'), headers: { authorization: 'Bearer not-a-real-key-000000' } });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.json<{ message: string }>().message, /unknown API key/);
    const scoped = await app.inject({ method: 'PUT', url: '/v1/tracks', payload: { tracks: [{ trackId: 't1', popularity: 0.5 }] }, headers: { authorization: `Bearer ${EVENTS_KEY}` } });
    assert.equal(scoped.statusCode, 403);
    assert.deepEqual(scoped.json(), { statusCode: 403, code: 'ENC_FORBIDDEN', error: 'Forbidden', message: 'this API key lacks the "catalog" scope' });
    const ok = await app.inject({ method: 'POST', url: '/v1/events', payload: event('a3'), headers: { 'x-api-key': EVENTS_KEY } });
    assert.equal(ok.statusCode, 200, ok.body);
    const bearer = await app.inject({ method: 'POST', url: '/v1/events', payload: event('a4'), headers: { authorization: `bearer ${EVENTS_KEY}` } });
    assert.equal(bearer.statusCode, 200, bearer.body);
    const basic = await app.inject({ method: 'POST', url: '/v1/events', payload: event('a5'), headers: { authorization: `Basic ${EVENTS_KEY}` } });
    assert.equal(basic.statusCode, 401);
    assert.equal((await app.inject('/v1/users/u1/feed')).statusCode, 200);
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    assert.equal((await app.inject('/metrics')).statusCode, 200, 'metrics are a read: open while reads are open (the page\'s live panel)');
  } finally {
    await app.close();
  }
});

test('keyed reads need the feed scope; a key in the query string is refused and not echoed', async () => {
  const app = await buildApp(testDeps(makeTestWorld()), { auth: { keys, readsOpen: false } });
  try {
    assert.equal((await app.inject('/v1/users/u1/feed')).statusCode, 401);
    assert.equal((await app.inject({ url: '/v1/users/u1/feed', headers: { 'x-api-key': EVENTS_KEY } })).statusCode, 403);
    assert.equal((await app.inject({ url: '/v1/users/u1/feed', headers: { 'x-api-key': ALL_KEY } })).statusCode, 200);
    const inQuery = await app.inject(`/v1/users/u1/feed?api_key=${ALL_KEY}`);
    assert.equal(inQuery.statusCode, 400);
    assert.equal(inQuery.json<{ code: string }>().code, 'ENC_KEY_IN_QUERY');
    assert.ok(!inQuery.body.includes(ALL_KEY));
    const unknownRoute = await app.inject(`/nope?token=${ALL_KEY}`);
    assert.ok(!unknownRoute.body.includes(ALL_KEY));
  } finally {
    await app.close();
  }
});

test('no key configured: writes are refused with a message that says how to configure one', async () => {
  const app = await buildApp(testDeps(makeTestWorld()), { auth: { keys: ApiKeys.parse({}), readsOpen: true } });
  try {
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: event('b1') });
    assert.equal(res.statusCode, 401);
    assert.match(res.json<{ message: string }>().message, /ENCORE_API_KEYS/);
  } finally {
    await app.close();
  }
});

test('OpenAPI declares the security schemes and each route\'s requirement', async () => {
  const app = await buildApp(testDeps(makeTestWorld()), { auth: { keys, readsOpen: true } });
  try {
    await app.ready();
    const spec = app.swagger() as { components: { securitySchemes: object }; paths: Record<string, Record<string, { security?: unknown[]; description?: string }>> };
    assert.ok('bearerAuth' in spec.components.securitySchemes && 'apiKeyHeader' in spec.components.securitySchemes);
    assert.equal(spec.paths['/v1/events']!.post!.security!.length, 2);
    assert.match(spec.paths['/v1/events']!.post!.description!, /`events` scope/);
    assert.match(spec.paths['/v1/tracks']!.put!.description!, /`catalog` scope/);
    assert.deepEqual(spec.paths['/v1/users/{userId}/feed']!.get!.security, []);
    assert.deepEqual(spec.paths['/healthz']!.get!.security, []);
  } finally {
    await app.close();
  }
});

test('request log lines never carry the key (header redacted, query value redacted)', async () => {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _e, cb) => { lines.push(chunk.toString()); cb(); } });
  const app = await buildApp(testDeps(makeTestWorld()), { auth: { keys, readsOpen: true }, logRequests: true, logStream: stream });
  try {
    await app.inject({ method: 'POST', url: '/v1/events', payload: event('c1'), headers: { authorization: `Bearer ${EVENTS_KEY}`, 'x-api-key': EVENTS_KEY } });
    await app.inject(`/v1/users/u1/feed?key=${EVENTS_KEY}`);
    await app.inject({ method: 'POST', url: '/v1/events', payload: event('c2'), headers: { authorization: 'Bearer wrong-key-but-secret-1' } });
    assert.ok(lines.length >= 6, `request lines were logged (${lines.length})`);
    const all = lines.join('');
    assert.ok(!all.includes(EVENTS_KEY) && !all.includes('wrong-key-but-secret-1'), all);
    assert.match(all, /\[redacted\]/);
  } finally {
    await app.close();
  }
});

test('encore start: local keys made once (mode 0600), read back; the page carries the page key only when given', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-keys-'));
  try {
    const first = ensureLocalKeys(dir);
    assert.equal(first.created, true);
    assert.equal(fs.statSync(first.file).mode & 0o777, 0o600);
    const again = ensureLocalKeys(dir);
    assert.equal(again.created, false);
    assert.equal(again.pageSecret, first.pageSecret);
    const fileKeys = ApiKeys.parse({ files: [first.file] });
    assert.deepEqual([...fileKeys.lookup(first.pageSecret)!.scopes].sort(), ['events', 'feed', 'users']);
    assert.equal(fileKeys.lookup(first.ownerSecret)!.scopes.size, 5);
    const withKey = await buildApp(testDeps(makeTestWorld()), { auth: { keys: fileKeys, readsOpen: true }, ui: { pageKey: first.pageSecret } });
    const plain = await buildApp(testDeps(makeTestWorld()), { auth: { keys: fileKeys, readsOpen: true } });
    try {
      assert.ok((await withKey.inject('/')).body.includes(`content="${first.pageSecret}"`));
      assert.ok(!(await plain.inject('/')).body.includes('encore-api-key'));
      const posted = await withKey.inject({ method: 'POST', url: '/v1/events', payload: event('d1'), headers: { authorization: `Bearer ${first.pageSecret}` } });
      assert.equal(posted.statusCode, 200);
    } finally {
      await withKey.close();
      await plain.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
