import fs from 'node:fs';
import type { Command } from 'commander';
import { Errors } from '../../domain/errors.js';
import { openWorld } from '../../world/World.js';
import { loadBundle } from '../../model/loadBundle.js';
import { profilesFromUsers } from '../../pipeline/UserProfiles.js';
import { readAllEvents } from '../../storage/open.js';
import { DEFAULT_BOOTSTRAP } from '../../eval/stats/bootstrap.js';
import { readImpressionLog } from '../../ope/loggedImpressions.js';
import { trackCompletionModel } from '../../ope/rewardModel.js';
import { candidateRecords } from '../../ope/candidatePolicy.js';
import { estimateAll, type OpeEstimates } from '../../ope/estimators.js';

export function formatOpe(e: OpeEstimates, candidate: string): string {
  const f = (name: string, i: { estimate: number; low: number; high: number }): string => `  ${name.padEnd(6)} ${i.estimate.toFixed(4)}  [${i.low.toFixed(4)}, ${i.high.toFixed(4)}]`;
  return [
    `off-policy estimate of ${candidate}'s exploration-slot completion rate from ${e.n} played exploration-slot impressions (95 % bootstrap intervals; effective sample size ${e.effectiveSampleSize.toFixed(0)}; candidate's probability mass on the logged actions ${e.meanWeight.toFixed(2)}):`,
    f('IPS', e.ips),
    f('SNIPS', e.snips),
    f('DR', e.dr),
    f('logged', e.logged) + '  (the logging policy itself)',
  ].join('\n');
}

// `encore ope --events URL --world DIR --bundle DIR`: IPS / SNIPS / DR estimates of a candidate bundle.
export function registerOpe(program: Command): void {
  program
    .command('ope')
    .description("off-policy estimate of a candidate bundle's completion rate on the exploration slot, from logged impressions with propensities")
    .requiredOption('--events <url>', 'event log holding the impressions (lmdb://DIR, nats://HOST:PORT/STREAM)')
    .requiredOption('--world <dir>', 'the world the service runs on')
    .requiredOption('--bundle <dir>', 'the candidate bundle directory')
    .option('--surface <name>', 'only impressions of this surface')
    .option('--max-impressions <n>', 'use at most the first n played exploration-slot impressions', '20000')
    .option('--resamples <n>', 'bootstrap resamples', String(DEFAULT_BOOTSTRAP.resamples))
    .option('--out <file>', 'also write the estimates as JSON')
    .action(async (o: { events: string; world: string; bundle: string; surface?: string; maxImpressions: string; resamples: string; out?: string }) => {
      const max = Number(o.maxImpressions);
      const resamples = Number(o.resamples);
      if (!(max >= 1 && resamples >= 1000)) throw Errors.badRequest('--max-impressions must be >= 1, --resamples >= 1000');
      const world = openWorld(o.world);
      const log = await readImpressionLog(() => readAllEvents(o.events), o.surface ?? null);
      const logged = log.impressions.filter((i) => i.played).slice(0, max);
      if (logged.length === 0) throw Errors.badRequest(`no played impression with a propensity in ${o.events}`);
      const bundle = await loadBundle(o.bundle, { verify: 'sizes' });
      try {
        const q = trackCompletionModel(world.events, world.catalog.trackCount);
        const recs = await candidateRecords(world.catalog, profilesFromUsers(world.users), bundle, q, logged, log.byUser);
        const e = estimateAll(recs, { ...DEFAULT_BOOTSTRAP, resamples });
        console.log(formatOpe(e, o.bundle));
        if (o.out) fs.writeFileSync(o.out, JSON.stringify(e, null, 1));
      } finally {
        bundle.close();
      }
    });
}
