// The fast share of the route fuzzing (npm test); `npm run test:faults` runs the long share (test/faults/).
import { test } from 'node:test';
import { ApiKeys } from '../../src/server/apiKeys.js';
import { buildApp } from '../../src/server/app.js';
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';
import { fuzzRoutes, newStats } from './fuzz.js';

/** The test world with a writable catalog (PUT /v1/tracks applies changes instead of answering 503). */
export const fuzzDeps = () => {
  const deps = testDeps(makeTestWorld());
  return { ...deps, catalog: new MutableCatalog(deps.catalog) };
};

export const FUZZ_KEYS = { all: 'fuzz-owner-key-0123456789', eventsOnly: 'fuzz-events-key-0123456789' };
export const fuzzKeys = () => ApiKeys.parse({ env: `${FUZZ_KEYS.all}:feed+events+catalog+users+admin,${FUZZ_KEYS.eventsOnly}:events` });

test('fuzz: 1,500 random requests over every route without access control: no 5xx, coded 4xx', async () => {
  const app = await buildApp(fuzzDeps());
  const stats = newStats();
  try {
    await fuzzRoutes(app, 1500, stats);
  } finally {
    await app.close();
  }
});

test('fuzz: 1,500 random requests with API keys and keyed reads: no 5xx, coded 4xx', async () => {
  const app = await buildApp(fuzzDeps(), { auth: { keys: fuzzKeys(), readsOpen: false } });
  const stats = newStats();
  try {
    await fuzzRoutes(app, 1500, stats, FUZZ_KEYS);
  } finally {
    await app.close();
  }
});
