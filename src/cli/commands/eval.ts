import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Errors } from '../../domain/errors.js';
import { numberOption as num } from '../options.js';
import { DEFAULT_SPLIT } from '../../eval/split.js';
import { DEFAULT_BOOTSTRAP } from '../../eval/stats/bootstrap.js';
import { loadEvalData } from '../../eval/report/loadInput.js';
import { DEFAULT_EVAL, runEval } from '../../eval/report/runEval.js';
import { formatTable } from '../../eval/report/formatTable.js';
import { renderHtml } from '../../eval/report/html.js';

// `encore eval (--world DIR | --dataset ml-100k) [--split time|random] [--days D] [--k K] --out DIR`:
// Encore's full pipeline and the baselines on one split; table on stdout, report.json and report.html in --out.
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('offline evaluation: Encore and popularity / item-kNN / implicit ALS / EASE on one split, with a paired comparison')
    .option('--world <dir>', 'a world (synthetic: time split of its history; imported: its rows)')
    .option('--dataset <name>', 'a dataset under $ENCORE_DATASETS: ml-100k')
    .option('--split <kind>', 'time (last --days held out) or random (per-listener 80/20); default: time for a world, random for a dataset')
    .option('--days <n>', 'time split: days held out at the end', '7')
    .option('--k <n>', 'list length K', String(DEFAULT_EVAL.k))
    .option('--max-users <n>', 'judge at most this many listeners (an even spread)', '2000')
    .option('--seed <n>', 'random split seed', String(DEFAULT_SPLIT.seed))
    .option('--no-diversity', "Encore without the re-ranking rules")
    .option('--no-tune', 'skip the inner-validation tuning (defaults for every model)')
    .option('--ease-max-items <n>', 'run EASE only when min(items, listeners) with training data is at most this many (the side of its dense inverse; catalogs up to 50k items)', String(DEFAULT_EVAL.easeMaxItems))
    .option('--resamples <n>', 'bootstrap resamples (>= 1000)', String(DEFAULT_BOOTSTRAP.resamples))
    .option('--out <dir>', 'write report.json and report.html here')
    .option('--quiet', 'no progress lines')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const split = o.split === undefined ? null : o.split === 'time' || o.split === 'random' ? o.split : null;
      if (o.split !== undefined && split === null) throw Errors.badRequest(`--split must be time or random, got "${String(o.split)}"`);
      const resamples = num('resamples', o.resamples);
      if (resamples < 1000) throw Errors.badRequest('--resamples must be at least 1000');
      const k = num('k', o.k);
      if (!(Number.isInteger(k) && k >= 1 && k <= 500)) throw Errors.badRequest(`--k must be an integer from 1 to 500, got ${k}`);
      const log = o.quiet === true ? () => undefined : (s: string) => process.stderr.write(`${s}\n`);
      const data = loadEvalData({
        world: typeof o.world === 'string' ? o.world : null,
        dataset: typeof o.dataset === 'string' ? o.dataset : null,
        split,
        days: num('days', o.days),
        seed: num('seed', o.seed),
        maxUsers: num('max-users', o.maxUsers),
      });
      const rep = await runEval(data, {
        ...DEFAULT_EVAL,
        k,
        diversity: o.diversity !== false,
        tune: o.tune !== false,
        easeMaxItems: num('ease-max-items', o.easeMaxItems),
        bootstrap: { ...DEFAULT_BOOTSTRAP, resamples },
        command: `encore ${process.argv.slice(2).join(' ')}`,
        log,
      });
      console.log(formatTable(rep));
      if (typeof o.out === 'string') {
        fs.mkdirSync(o.out, { recursive: true });
        fs.writeFileSync(path.join(o.out, 'report.json'), JSON.stringify(rep, null, 1));
        fs.writeFileSync(path.join(o.out, 'report.html'), renderHtml(rep));
        console.log(`wrote ${path.join(o.out, 'report.json')} and ${path.join(o.out, 'report.html')}`);
      }
    });
}
