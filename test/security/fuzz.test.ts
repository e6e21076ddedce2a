// The fast share of the route fuzzing (npm test); `npm run test:faults` runs the long share (test/faults/).
import { test } from 'node:test';
import { buildApp } from '../../src/server/app.js';
import { record } from '../faults/report.js';
import { FUZZ_KEYS, fuzzDeps, fuzzKeys, fuzzRoutes, newStats } from './fuzz.js';

test('fuzz: 1,500 random requests over every route without access control: no 5xx, coded 4xx', async () => {
  const app = await buildApp(fuzzDeps());
  const stats = newStats();
  try {
    await fuzzRoutes(app, 1500, stats);
  } finally {
    record({ fault: 'fuzz (npm test share) without access control', requests: stats.requests, fiveXx: stats.fiveXx });
    await app.close();
  }
});

test('fuzz: 1,500 random requests with API keys and keyed reads: no 5xx, coded 4xx', async () => {
  const app = await buildApp(fuzzDeps(), { auth: { keys: fuzzKeys(), readsOpen: false } });
  const stats = newStats();
  try {
    await fuzzRoutes(app, 1500, stats, FUZZ_KEYS);
  } finally {
    record({ fault: 'fuzz (npm test share) with API keys', requests: stats.requests, fiveXx: stats.fiveXx });
    await app.close();
  }
});
