// One cli-progress bar per training phase, on stderr (silent when `quiet`).
import cliProgress from 'cli-progress';

export type PhaseProgress = (phase: string, done: number, total: number) => void;

export function phaseProgress(quiet: boolean): { onProgress: PhaseProgress; stop(): void } {
  if (quiet) return { onProgress: () => undefined, stop: () => undefined };
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  const onProgress: PhaseProgress = (p, done, total) => {
    if (p !== phase) {
      bar?.stop();
      phase = p;
      bar = new cliProgress.SingleBar(
        { format: `${p.padEnd(16)} [{bar}] {percentage}% | {value}/{total} | {duration}s`, stream: process.stderr, hideCursor: false, noTTYOutput: true, notTTYSchedule: 15_000 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(1, total), done);
    } else bar?.update(done);
  };
  return { onProgress, stop: () => bar?.stop() };
}
