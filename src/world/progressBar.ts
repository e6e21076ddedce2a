// A cli-progress bar on stderr, one bar per phase of a long job (world generation, training).
import cliProgress from 'cli-progress';
import type { Progress } from './generateCatalog.js';

export interface PhaseBar {
  readonly onProgress: Progress;
  stop(): void;
}

export function phaseBar(labelWidth = 10): PhaseBar {
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  let lastLine = 0;
  const onProgress: Progress = (p, done, total) => {
    if (p !== phase) {
      bar?.stop();
      phase = p;
      bar = new cliProgress.SingleBar(
        { format: `${p.padEnd(labelWidth)} [{bar}] {percentage}% | {value}/{total} | {duration}s`, stream: process.stderr, hideCursor: false, noTTYOutput: true, notTTYSchedule: 2000 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(1, total), done);
    } else {
      bar?.update(done);
      // without a TTY cli-progress only draws from a timer, which a synchronous phase never lets run: draw a log line
      // every few seconds ourselves
      const now = Date.now();
      if (!process.stderr.isTTY && now - lastLine > 5_000) {
        lastLine = now;
        bar?.render();
      }
    }
  };
  return { onProgress, stop: () => bar?.stop() };
}
