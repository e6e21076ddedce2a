import type { Command } from 'commander';
import { DEFAULT_OFFLINE, OFFLINE_TRAIN, formatOfflineSummary, runOffline } from '../../eval/offline.js';
import { readItemsFile } from '../../world/importers/itemsFile.js';
import { alsAdditionOptions, numberOption as num } from '../options.js';

// `encore offline --train FILE --k K --out RECS [--items FILE] [--no-diversity] [--explore]`: top-K recommendations for every listener of
// FILE through the same training code and feed pipeline as the online service (src/eval/offline.ts).
export function registerOffline(program: Command): void {
  program
    .command('offline')
    .description('batch recommendations for every user of an interaction file, through the same models and feed pipeline as the service')
    .requiredOption('--train <file>', 'delimited file with a header: user, item, weight[, timestamp]')
    .requiredOption('--k <n>', 'items per user')
    .requiredOption('--out <file>', 'output: user<TAB>item<TAB>rank lines, rank 1 first (with --explore, a 4th column on the drawn pick: its propensity)')
    .option('--items <file>', 'CSV of the items: id[,title][,genres (a | list)][,feature:<name>...]; genres and features become feature listeners')
    .option('--feature-listeners <w>', 'weight of the items\' genres/features as pseudo-listeners in ALS (0 = off)', String(OFFLINE_TRAIN.featureListeners))
    .option('--activity-exponent <x>', 'scale each listener\'s positive weights by (rows / mean rows)^-x in ALS (0 = off)', String(OFFLINE_TRAIN.activityExponent))
    .option('--no-diversity', 'turn the re-ranking rules (artist spacing, discovery, exploration) off')
    .option('--explore', "keep the surface's exploration slot (a random pick); its line gets a 4th column, the propensity to log with the impression")
    .option('--surface <name>', 'feed surface whose sources, filters and ranker are used', DEFAULT_OFFLINE.surface)
    .option('--factors <n>', 'embedding dimensions', String(OFFLINE_TRAIN.factors))
    .option('--lambda <x>', 'ALS regularisation', String(OFFLINE_TRAIN.lambda))
    .option('--iterations <n>', 'ALS iterations', String(OFFLINE_TRAIN.iterations))
    .option('--seed <n>', 'random seed', String(OFFLINE_TRAIN.seed))
    .option('--work-dir <dir>', 'keep the imported world and bundle here (default: a temp dir, removed)')
    .option('--quiet', 'no progress output')
    .action(async (o: { train: string; k: string; out: string; diversity: boolean; explore?: boolean; surface: string; factors: string; lambda: string; iterations: string; seed: string; items?: string; featureListeners: string; activityExponent: string; workDir?: string; quiet?: boolean }) => {
      const items = o.items !== undefined ? await readItemsFile(o.items) : null;
      const { featureListeners, activityExponent } = alsAdditionOptions(o.featureListeners, o.activityExponent);
      const s = await runOffline({
        trainFile: o.train,
        k: num('k', o.k),
        out: o.out,
        diversity: o.diversity,
        exploration: o.explore === true,
        surface: o.surface,
        train: { ...OFFLINE_TRAIN, factors: num('factors', o.factors), lambda: num('lambda', o.lambda), iterations: num('iterations', o.iterations), seed: num('seed', o.seed), featureListeners, activityExponent },
        workDir: o.workDir ?? null,
        quiet: o.quiet === true,
      }, undefined, items);
      console.error(s.rankerMessage);
      console.error(formatOfflineSummary(s, o.out));
    });
}
