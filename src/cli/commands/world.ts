import type { Command } from 'commander';
import { generateWorld } from '../../world/World.js';
import { phaseBar } from '../../world/progressBar.js';
import { Errors } from '../../domain/errors.js';
import { exportWorld, type ExportIds } from '../../world/exportWorld.js';

function int(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw Errors.badRequest(`${name} must be an integer, got "${v}"`);
    return n;
  };
}

/** `encore world`: generate a deterministic synthetic music world (docs/formats.md). */
export function registerWorld(program: Command): void {
  program
    .command('world')
    .description('generate a synthetic music world: catalog, listeners, listening history, hidden taste truth')
    .requiredOption('--tracks <n>', 'number of tracks (full scale: 8200000)', int('--tracks'))
    .requiredOption('--users <n>', 'number of listeners (full scale: 500000)', int('--users'))
    .option('--seed <n>', 'random seed (same seed, same bytes)', int('--seed'), 42)
    .option('--events-per-user <n>', 'average listening events per listener', int('--events-per-user'), 60)
    .requiredOption('--out <dir>', 'output directory (replaced if it holds a world)')
    .option('--export <format>', 'also write the world as DIR/export/tracks.jsonl + users.jsonl + events.jsonl (format: jsonl), the input of `encore import --format jsonl`')
    .option('--ids <kind>', '--export ids: uuid (random v4 UUIDs, deterministic for the seed) or native (t123, u45 ...)', 'native')
    .action(async (o: { tracks: number; users: number; seed: number; eventsPerUser: number; out: string; export?: string; ids: string }) => {
      if (o.export !== undefined && o.export !== 'jsonl') throw Errors.badRequest(`--export must be jsonl, got "${o.export}"`);
      if (o.ids !== 'uuid' && o.ids !== 'native') throw Errors.badRequest(`--ids must be uuid or native, got "${o.ids}"`);
      const bar = phaseBar();
      let s;
      try {
        s = await generateWorld({ tracks: o.tracks, users: o.users, seed: o.seed, out: o.out, eventsPerUser: o.eventsPerUser }, bar.onProgress);
      } finally {
        bar.stop();
      }
      console.error(
        `world: ${s.tracks} tracks, ${s.artists} artists, ${s.albums} albums, ${s.users} listeners, ${s.events} events ` +
          `(${s.plays} plays in ${s.sessions} sessions, ${(100 * s.skipShare).toFixed(1)}% skipped, ` +
          `${(100 * s.earlySkipShareOfSkips).toFixed(1)}% of skips early) written to ${s.dir} in ${s.seconds.toFixed(1)} s, ` +
          `peak RSS ${(s.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
      );
      if (o.export === undefined) return;
      const ebar = phaseBar();
      let e;
      try {
        e = exportWorld(s.dir, { ids: o.ids as ExportIds, seed: o.seed, onProgress: ebar.onProgress });
      } finally {
        ebar.stop();
      }
      console.error(`export: ${e.tracks} tracks, ${e.events} events (${o.ids} ids, ${(e.bytes / 2 ** 20).toFixed(0)} MiB), ${e.users} listeners written to ${e.tracksFile}, ${e.usersFile} and ${e.eventsFile} in ${e.seconds.toFixed(1)} s`);
    });
}
