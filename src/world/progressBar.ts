// A cli-progress bar on stderr, one bar per generation phase.
import cliProgress from 'cli-progress';
import type { Progress } from './generateCatalog.js';

export interface PhaseBar {
  readonly onProgress: Progress;
  stop(): void;
}

export function phaseBar(): PhaseBar {
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  const onProgress: Progress = (p, done, total) => {
    if (p !== phase) {
      bar?.stop();
      phase = p;
      bar = new cliProgress.SingleBar(
        { format: `${p.padEnd(10)} [{bar}] {percentage}% | {value}/{total} | {duration}s`, stream: process.stderr, hideCursor: false },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, done);
    } else bar?.update(done);
  };
  return { onProgress, stop: () => bar?.stop() };
}
