// The baselines of `encore eval`, each with the one hyper-parameter tuned on the inner validation split.
import { itemsWithData, type Csr } from '../interactions.js';
import type { BatchRecommender } from '../evaluate.js';
import { fitPopularity } from '../baselines/popularity.js';
import { fitItemKnn } from '../baselines/itemKnn.js';
import { fitEase } from '../baselines/ease.js';
import { fitImplicitAls, ALS_BASELINE } from '../baselines/implicitAls.js';
import { compactColumns } from './compactColumns.js';

export interface BaselineSpec {
  readonly name: string;
  /** The tuned hyper-parameter's name, or null (nothing to tune). */
  readonly parameter: string | null;
  readonly grid: readonly number[];
  readonly defaultValue: number;
  /** Why the baseline cannot run on this training matrix, or null. */
  skipReason(train: Csr): string | null;
  fit(train: Csr, value: number): BatchRecommender | Promise<BatchRecommender>;
}

/** Items with at least one training positive (EASE's dense matrix is over these). */
export function activeItems(train: Csr): number {
  return itemsWithData(train).length;
}

/** EASE runs on catalogs of at most this many items with training data (issue 9), in either form. */
export const EASE_MAX_CATALOG = 50_000;

export function baselineSpecs(easeMaxItems: number): BaselineSpec[] {
  return [
    { name: 'popularity', parameter: null, grid: [], defaultValue: 0, skipReason: () => null, fit: (t) => fitPopularity(t) },
    { name: 'item-kNN', parameter: 'neighbours', grid: [25, 50, 100, 200], defaultValue: 100, skipReason: () => null, fit: (t, v) => fitItemKnn(t, { neighbours: v }) },
    {
      name: 'implicit ALS',
      parameter: 'λ',
      grid: [1, 10, 25, 50],
      defaultValue: ALS_BASELINE.lambda,
      skipReason: () => null,
      fit: (t, v) => fitImplicitAls(t, { ...ALS_BASELINE, lambda: v }),
    },
    {
      name: 'EASE',
      parameter: 'λ',
      grid: [100, 250, 500, 1000],
      defaultValue: 500,
      skipReason: (t) => {
        const n = activeItems(t);
        if (n > EASE_MAX_CATALOG) return `${n} items with training data > ${EASE_MAX_CATALOG} (EASE is a baseline for catalogs of at most 50k items)`;
        // The dense inverse is min(items, listeners) on a side: listeners x listeners when there are fewer of them.
        const side = Math.min(n, t.rows);
        return side > easeMaxItems ? `min(${n} items, ${t.rows} listeners) = ${side} > --ease-max-items ${easeMaxItems} (a ${side} x ${side} dense inverse)` : null;
      },
      fit: (t, v) => compactColumns(t, (c) => fitEase(c, v)),
    },
  ];
}
