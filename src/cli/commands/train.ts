import type { Command } from 'commander';
import { DEFAULT_TRAIN, trainBundle } from '../../training/trainBundle.js';
import { DEFAULT_INDEX_PARAMS } from '../../retrieval/UsearchIndex.js';
import { chooseWarmStart } from '../../training/chooseWarmStart.js';
import { alsAdditionOptions, numberOf } from '../options.js';

// `encore train --world DIR [--bundles DIR] ...`: builds a new model bundle version (see src/training/trainBundle.ts).
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train embeddings, cold-start mapping, co-listening and popularity tables, vector index and ranker into a new bundle version')
    .requiredOption('--world <dir>', 'world directory (encore world / encore import)')
    .option('--bundles <dir>', 'bundle store directory', 'data/bundles')
    .option('--factors <n>', 'embedding dimensions', String(DEFAULT_TRAIN.factors))
    .option('--iterations <n>', 'ALS iterations', String(DEFAULT_TRAIN.iterations))
    .option('--lambda <x>', 'ALS regularisation', String(DEFAULT_TRAIN.lambda))
    .option('--cg-steps <n>', 'conjugate-gradient steps per ALS solve', String(DEFAULT_TRAIN.cgSteps))
    .option('--seed <n>', 'random seed', String(DEFAULT_TRAIN.seed))
    .option('--threads <n>', 'worker threads (0 = one per core)', String(DEFAULT_TRAIN.threads))
    .option('--connectivity <n>', 'vector index connectivity', String(DEFAULT_INDEX_PARAMS.connectivity))
    .option('--expansion-add <n>', 'vector index expansion at build', String(DEFAULT_INDEX_PARAMS.expansionAdd))
    .option('--expansion-search <n>', 'vector index expansion at query time', String(DEFAULT_INDEX_PARAMS.expansionSearch))
    .option('--bands <n>', 'vector index: most norm bands', String(DEFAULT_INDEX_PARAMS.bands))
    .option('--band-ratio <x>', 'vector index: norm ratio spanned by one band', String(DEFAULT_INDEX_PARAMS.bandRatio))
    .option('--min-band <n>', 'vector index: fewest tracks in a band', String(DEFAULT_INDEX_PARAMS.minBandSize))
    .option('--max-band <n>', 'vector index: most tracks in a band (0 = no cap)', String(DEFAULT_INDEX_PARAMS.maxBandSize ?? 0))
    .option('--reuse-embeddings <dir>', 'take item/user factors from an earlier bundle (or crashed .tmp-*) of the same world instead of training ALS')
    .option('--warm-start <from>', 'auto: start ALS from the current bundle in --bundles when it was trained on this world with the same --factors; off: from nothing; or a bundle directory', 'auto')
    .option('--warm-iterations <n>', 'ALS iterations after a warm start', '3')
    .option('--events-log <url>', 'merge the service event log (e.g. lmdb://DIR or nats://HOST:PORT/STREAM) into the training history')
    .option('--feature-listeners <w>', "weight of the catalog's content features as pseudo-listeners in ALS (0 = off; docs/evaluation.md)", '0')
    .option('--activity-exponent <x>', "scale each listener's positive weights by (entries / mean entries)^-x in ALS (0 = off; docs/evaluation.md)", '0')
    .option('--no-hold-out', "train on every session (default: each listener's last session is held out for the ranker)")
    .option('--quiet', 'no progress bars')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const num = (key: string): number => numberOf(o, key);
      const additions = alsAdditionOptions(o.featureListeners, o.activityExponent);
      const warmStartFrom = await chooseWarmStart(String(o.warmStart), String(o.bundles), String(o.world), num('factors'));
      if (warmStartFrom && o.quiet !== true) console.error(`encore train: warm start from ${warmStartFrom} (${num('warmIterations')} ALS iterations)`);
      const s = await trainBundle({
        worldDir: String(o.world),
        bundlesDir: String(o.bundles),
        factors: num('factors'),
        iterations: warmStartFrom ? num('warmIterations') : num('iterations'),
        warmStartFrom,
        lambda: num('lambda'),
        cgSteps: num('cgSteps'),
        seed: num('seed'),
        threads: num('threads'),
        index: { connectivity: num('connectivity'), expansionAdd: num('expansionAdd'), expansionSearch: num('expansionSearch'), bands: num('bands'), bandRatio: num('bandRatio'), minBandSize: num('minBand'), maxBandSize: num('maxBand') },
        eventsLog: typeof o.eventsLog === 'string' ? o.eventsLog : null,
        reuseEmbeddingsFrom: typeof o.reuseEmbeddings === 'string' ? o.reuseEmbeddings : null,
        quiet: o.quiet === true,
        holdOut: o.holdOut !== false,
        ...additions,
      });
      const st = s.stats;
      console.log(
        `trained bundle ${s.version} in ${s.seconds.toFixed(1)} s (peak RSS ${s.peakRssMb} MB${s.peakAnonMb === null ? '' : `, anonymous ${s.peakAnonMb} MB`}): ${st.entries ?? 0} listener-track entries, ` +
          `${st.coldStartFilled ?? 0} cold-start track vectors (fit on ${st.coldStartFitRows ?? 0}), ${st.coListenPairs ?? 0} co-listening pairs; ` +
          `phases (s): ALS ${st.alsSeconds}${warmStartFrom ? ` (warm start, ${st.warmStartUsersMatched ?? 0} listeners matched)` : ''}, cold start ${st.coldStartSeconds}, co-listening ${st.coListenSeconds}, tables ${st.tablesSeconds}, ` +
          `index ${st.indexSeconds} (${st.indexVectorsBuilt ?? 0} vectors indexed, ${st.indexVectorsCarried ?? 0} carried over), ranker ${st.rankerSeconds}; ` +
          `peak RSS (MB) after load ${st.loadPeakRssMb}, confidence ${st.confidencePeakRssMb}, ALS ${st.alsPeakRssMb}, cold start ${st.coldStartPeakRssMb}, ` +
          `co-listening ${st.coListenPeakRssMb}, tables ${st.tablesPeakRssMb}, index ${st.indexPeakRssMb}, ranker ${st.rankerPeakRssMb}` +
          (s.peakAnonMb === null ? '' : `; anonymous (MB) after load ${st.loadPeakAnonMb}, ALS ${st.alsPeakAnonMb}, index ${st.indexPeakAnonMb}, ranker ${st.rankerPeakAnonMb}`) +
          '. ' +
          `Written to ${s.dir}`,
      );
    });
}
