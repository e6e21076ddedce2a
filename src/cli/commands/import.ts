import type { Command } from 'commander';
import { Errors } from '../../domain/errors.js';
import { readInteractionsFile } from '../../world/importers/delimited.js';
import { readMovieLens, type ImportedData } from '../../world/importers/movielens.js';
import { writeImportedWorld } from '../../world/importers/writeImportedWorld.js';

/** `encore import`: turn real interaction data into a world directory (docs/formats.md). */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import real interactions (delimited file with a user,item,weight[,timestamp] header, or MovieLens 100K) as a world')
    .requiredOption('--format <format>', 'delimited | movielens')
    .requiredOption('--in <path>', 'the delimited file, or the MovieLens folder holding u.data and u.item')
    .requiredOption('--out <dir>', 'output world directory (written atomically)')
    .option('--delimiter <char>', 'delimited: column delimiter (default: detected from the header)')
    .action((o: { format: string; in: string; out: string; delimiter?: string }) => {
      const started = performance.now();
      let data: ImportedData;
      if (o.format === 'delimited') data = { source: 'delimited', interactions: readInteractionsFile(o.in, o.delimiter ? { delimiter: o.delimiter } : {}), items: null };
      else if (o.format === 'movielens') data = readMovieLens(o.in);
      else throw Errors.badRequest(`--format must be delimited or movielens, got "${o.format}"`);
      const s = writeImportedWorld(data, o.out);
      console.error(`import: ${s.tracks} items, ${s.users} listeners, ${s.events} events in ${s.sessions} sessions written to ${s.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });
}
