import type { InteractionTable } from './interactions.js';
import { seededRandom } from './rng.js';
import { groupByKey } from '../catalog/groupByKey.js';

export interface SplitOptions {
  readonly testFraction: number; // 0.2
  readonly minInteractions: number; // users with fewer distinct rows stay entirely in train
  readonly seed: number;
}

export const DEFAULT_SPLIT: SplitOptions = { testFraction: 0.2, minInteractions: 5, seed: 42 };

/** Which rows of the table are test rows (1) and which are train rows (0). */
export interface Split {
  readonly isTest: Uint8Array;
  readonly testRows: number;
  readonly evaluatedUsers: number;
}

/**
 * Per-user random split: for each user with at least `minInteractions` rows, a seeded shuffle of that
 * user's rows puts round(testFraction * n) of them (at least one) into test. Deterministic for a seed.
 */
export function splitPerUser(table: InteractionTable, opts: SplitOptions = DEFAULT_SPLIT): Split {
  const rand = seededRandom(opts.seed);
  const users = table.userIds.length;
  const { start: counts, order: rowsByUser } = groupByKey(table.user, users);
  const isTest = new Uint8Array(table.user.length);
  let testRows = 0;
  let evaluatedUsers = 0;
  for (let u = 0; u < users; u++) {
    const s = counts[u]!;
    const n = counts[u + 1]! - s;
    if (n < opts.minInteractions) continue;
    // Fisher-Yates over this user's rows (rows were collected in file order, so the result is stable).
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = rowsByUser[s + i]!;
      rowsByUser[s + i] = rowsByUser[s + j]!;
      rowsByUser[s + j] = t;
    }
    const nTest = Math.max(1, Math.round(opts.testFraction * n));
    for (let i = 0; i < nTest; i++) isTest[rowsByUser[s + i]!] = 1;
    testRows += nTest;
    evaluatedUsers++;
  }
  return { isTest, testRows, evaluatedUsers };
}
