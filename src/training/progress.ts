// One progress bar per training phase, on stderr (silent when `quiet`): the same bar as world generation.
import { phaseBar } from '../world/progressBar.js';

export type PhaseProgress = (phase: string, done: number, total: number) => void;

export function phaseProgress(quiet: boolean): { onProgress: PhaseProgress; stop(): void } {
  if (quiet) return { onProgress: () => undefined, stop: () => undefined };
  return phaseBar(16);
}
