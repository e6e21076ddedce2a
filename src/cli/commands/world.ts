import type { Command } from 'commander';
import { generateWorld } from '../../world/World.js';
import { phaseBar } from '../../world/progressBar.js';
import { Errors } from '../../domain/errors.js';

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
    .action(async (o: { tracks: number; users: number; seed: number; eventsPerUser: number; out: string }) => {
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
    });
}
