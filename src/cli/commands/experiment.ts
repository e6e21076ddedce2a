import type { Command } from 'commander';
import { Errors } from '../../domain/errors.js';
import { trackIndexOf } from '../../eval/report/listenerIds.js';
import { readAllEvents } from '../../storage/open.js';
import { SURFACES } from '../../surfaces/index.js';
import { loadCatalog } from '../../catalog/ColumnarCatalog.js';
import { collectExperiment } from '../../experiments/collect.js';
import { formatReadout, readout } from '../../experiments/readout.js';

/** "control=1,treatment=1" -> variants in that order (the first is the control). */
export function parseWeights(s: string): { name: string; weight: number }[] {
  return s.split(',').map((part) => {
    const [name, w] = part.split('=');
    const weight = Number(w);
    if (!name || !(Number.isFinite(weight) && weight >= 0)) throw Errors.badRequest(`--weights: "${part}" is not NAME=WEIGHT`);
    return { name, weight };
  });
}

function declaredWeights(experiment: string): { name: string; weight: number }[] | null {
  for (const s of SURFACES.values()) if (s.experiment?.name === experiment) return s.experiment.variants.map((v) => ({ name: v.name, weight: v.weight }));
  return null;
}

// `encore experiment report --events URL --experiment NAME [--weights a=1,b=1] [--world DIR]`
export function registerExperiment(program: Command): void {
  const cmd = program.command('experiment').description('experiments on feed surfaces');
  cmd
    .command('report')
    .description('per-variant readout of an experiment from the event log: rates and listening time with 95 % intervals, lift, p-values, SRM check')
    .requiredOption('--events <url>', 'event log (lmdb://DIR, nats://HOST:PORT/STREAM)')
    .requiredOption('--experiment <name>', 'experiment name (as logged with the impressions)')
    .option('--weights <list>', 'variants and traffic weights in declared order, control first: control=1,treatment=1 (default: equal weights, variants by name)')
    .option('--world <dir>', 'catalog for the durations of completions logged without a position')
    .option('--json', 'print the readout as JSON')
    .action(async (o: { events: string; experiment: string; weights?: string; world?: string; json?: boolean }) => {
      const catalog = o.world ? loadCatalog(o.world) : null;
      const durationMs = (trackId: string): number => {
        const t = catalog ? trackIndexOf(catalog, trackId) : null;
        return catalog && t !== null && t < catalog.trackCount ? catalog.columns.durationMs[t]! : 0;
      };
      const c = await collectExperiment(() => readAllEvents(o.events), o.experiment, durationMs);
      if (c.listeners.size === 0) throw Errors.badRequest(`no impression in ${o.events} carries experiment "${o.experiment}"`);
      const variants = o.weights ? parseWeights(o.weights) : (declaredWeights(o.experiment) ?? [...c.variantsSeen].sort().map((name) => ({ name, weight: 1 })));
      const r = readout(o.experiment, variants, c.listeners.values());
      if (o.json) console.log(JSON.stringify({ ...r, crossedListeners: c.crossed }, null, 1));
      else console.log(formatReadout(r) + (c.crossed > 0 ? `\n  ${c.crossed} listeners saw more than one variant (counted in their first)` : ''));
    });
}
