import type { Command } from 'commander';
import { sealWorld } from '../../world/worldIntegrity.js';

/** `encore seal-world DIR`: records size + sha256 of every file of a world written before checksums. */
export function registerSealWorld(program: Command): void {
  program
    .command('seal-world <dir>')
    .description('record the size and sha256 of every file of a world written before checksums (docs/formats.md); run it on a world known to be good')
    .action((dir: string) => {
      const started = performance.now();
      const s = sealWorld(dir);
      const seconds = (performance.now() - started) / 1000;
      if (!s.sealed) console.error(`seal-world: ${s.dir} already lists a sha256 for each of its ${s.files} files; nothing to do`);
      else console.error(`seal-world: ${s.files} files, ${(s.bytes / 2 ** 20).toFixed(0)} MiB hashed in ${seconds.toFixed(1)} s; ${s.dir}/manifest.json now lists their sha256`);
    });
}
