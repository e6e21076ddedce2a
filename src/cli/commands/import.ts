import type { Command } from 'commander';
import { Errors } from '../../domain/errors.js';
import { ImportAbortedError, importCatalog, type CatalogFormat } from '../../world/importers/catalogImport.js';
import { readInteractionsFile } from '../../world/importers/delimited.js';
import { parseTimestamp } from '../../world/importers/delimited.js';
import { readMovieLens, type ImportedData } from '../../world/importers/movielens.js';
import { writeImportedWorld } from '../../world/importers/writeImportedWorld.js';
import { phaseBar } from '../../world/progressBar.js';

interface ImportOptions {
  format: string;
  in?: string;
  catalog?: string;
  events?: string;
  users?: string;
  out: string;
  delimiter?: string;
  maxErrors: string;
  now?: string;
}

/** `encore import`: turn an app's catalog and listening events, or real interaction data, into a world directory (docs/formats.md). */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import a catalog and its listening events (jsonl | csv: one track a line/row, events as POST /v1/events), ' +
        'or interactions (delimited file with a user,item,weight[,timestamp] header, or MovieLens 100K), as a world',
    )
    .requiredOption('--format <format>', 'jsonl | csv | delimited | movielens')
    .option('--catalog <file>', 'jsonl/csv: the tracks file (one track object a line, or a CSV with a header)')
    .option('--events <file>', 'jsonl/csv: the listening events file (objects of POST /v1/events)')
    .option(
      '--users <file>',
      'jsonl/csv: listener profiles, one a line: {"id", "market", "explicit", "genres"} (PUT /v1/users/{id} plus the id; ' +
        'CSV columns id,market,explicit,genres, genres separated by |); these listeners come first, in file order; onboarding genres are checked, not kept',
    )
    .option('--in <path>', 'delimited/movielens: the delimited file, or the MovieLens folder holding u.data and u.item')
    .requiredOption('--out <dir>', 'output world directory (written atomically)')
    .option('--max-errors <n>', 'jsonl/csv: skip up to n bad rows (all reported); one more aborts with nothing written', '0')
    .option('--now <time>', "jsonl/csv: the world's \"now\" (ISO 8601 or ms since the epoch; default: last event + 1 ms)")
    .option('--delimiter <char>', 'delimited: column delimiter (default: detected from the header)')
    .action(async (o: ImportOptions) => {
      const started = performance.now();
      if (o.format === 'jsonl' || o.format === 'csv') return importApp(o.format, o);
      if (o.in === undefined) throw Errors.badRequest(`--format ${o.format} needs --in`);
      let data: ImportedData;
      if (o.format === 'delimited') data = { source: 'delimited', interactions: readInteractionsFile(o.in, o.delimiter ? { delimiter: o.delimiter } : {}), items: null };
      else if (o.format === 'movielens') data = readMovieLens(o.in);
      else throw Errors.badRequest(`--format must be jsonl, csv, delimited or movielens, got "${o.format}"`);
      const s = writeImportedWorld(data, o.out);
      console.error(`import: ${s.tracks} items, ${s.users} listeners, ${s.events} events in ${s.sessions} sessions written to ${s.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });
}

async function importApp(format: CatalogFormat, o: ImportOptions): Promise<void> {
  if (o.catalog === undefined) throw Errors.badRequest(`--format ${format} needs --catalog <tracks file>`);
  const maxErrors = Number(o.maxErrors);
  if (!(Number.isSafeInteger(maxErrors) && maxErrors >= 0)) throw Errors.badRequest(`--max-errors must be a non-negative integer, got "${o.maxErrors}"`);
  let nowMs: number | undefined;
  if (o.now !== undefined) {
    nowMs = parseTimestamp(o.now);
    if (!Number.isFinite(nowMs)) throw Errors.badRequest(`--now must be ISO 8601 or ms since the epoch, got "${o.now}"`);
  }
  const bar = phaseBar();
  let s;
  try {
    s = await importCatalog({ format, catalog: o.catalog, ...(o.events !== undefined ? { events: o.events } : {}), ...(o.users !== undefined ? { users: o.users } : {}), out: o.out, maxErrors, ...(nowMs !== undefined ? { nowMs } : {}), onProgress: bar.onProgress });
  } catch (e) {
    bar.stop();
    if (e instanceof ImportAbortedError) {
      for (const line of e.badRows) console.error(line);
      console.error(`import: aborted, ${e.badRows.length} bad rows (more than --max-errors ${e.maxErrors}); nothing written`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
  bar.stop();
  for (const line of s.badRows) console.error(line);
  const rows = s.trackRows + s.eventRows + s.userRows;
  const perId = (bytes: number, n: number): string => (n > 0 ? `${(bytes / n).toFixed(1)} B/id` : '-');
  console.error(
    `import: ${s.tracks} tracks, ${s.artists} artists, ${s.albums} albums, ${s.genres} genres, ${s.markets} markets, ${s.featureNames.length} features; ` +
      `${s.users} listeners, ${s.events} events (${s.plays} plays, ${s.sessions} sessions); ${s.badRows.length} bad rows skipped (--max-errors ${maxErrors}); ` +
      `written to ${s.dir} in ${s.seconds.toFixed(1)} s (${Math.round(rows / Math.max(1e-9, s.seconds))} rows/s, ${(s.bytesRead / 2 ** 20).toFixed(0)} MiB read), ` +
      `peak RSS ${((process.resourceUsage().maxRSS * 1024) / 2 ** 30).toFixed(2)} GiB; id dictionaries: tracks ${perId(s.idBytes.track, s.tracks)}, listeners ${perId(s.idBytes.user, s.users)}`,
  );
}
