// The long share of the route fuzzing (npm run test:faults): 8,000 more random requests, half with keys.
import { test } from 'node:test';
import { buildApp } from '../../src/server/app.js';
import { FUZZ_KEYS, fuzzDeps, fuzzKeys, fuzzRoutes, newStats, type FuzzStats } from '../security/fuzz.js';
import { record } from './report.js';
import { faultsSkipReason } from './servers.js';

const skip = faultsSkipReason();

function statuses(s: FuzzStats): string {
  return [...s.byStatus].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`).join(' ');
}

test('fuzz (long): 4,000 requests without access control, 4,000 with keys and keyed reads', { skip }, async () => {
  const seed = Number(process.env.ENCORE_FUZZ_SEED ?? Date.now() % 2 ** 31);
  for (const keyed of [false, true]) {
    const app = await buildApp(fuzzDeps(), keyed ? { auth: { keys: fuzzKeys(), readsOpen: false } } : {});
    const stats = newStats();
    try {
      await fuzzRoutes(app, 4000, stats, keyed ? FUZZ_KEYS : undefined, seed + (keyed ? 1 : 0));
    } finally {
      record({ fault: `fuzz ${keyed ? 'with API keys' : 'without access control'}`, requests: stats.requests, fiveXx: stats.fiveXx, statuses: statuses(stats), seed });
      await app.close();
    }
  }
});
