// A small generated world and a bundle trained on it, shared by the retrieval/training/sources tests of one
// test file (each file runs in its own process). Everything lives in a temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorld, openWorld, type World } from '../../src/world/World.js';
import { DEFAULT_TRAIN, trainBundle, type TrainSummary } from '../../src/training/trainBundle.js';

export interface Fixture {
  readonly root: string;
  readonly world: World;
  readonly bundlesDir: string;
  readonly summary: TrainSummary;
}

export const SMALL_TRAIN = { ...DEFAULT_TRAIN, factors: 32, iterations: 5, quiet: true, seed: 7 } as const;

let cached: Promise<Fixture> | null = null;

export function fixture(): Promise<Fixture> {
  cached ??= (async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-retrieval-'));
    const worldDir = path.join(root, 'world');
    await generateWorld({ tracks: 20000, users: 2000, seed: 11, out: worldDir });
    const world = openWorld(worldDir);
    const bundlesDir = path.join(root, 'bundles');
    const summary = await trainBundle({ ...SMALL_TRAIN, worldDir, bundlesDir });
    return { root, world, bundlesDir, summary };
  })();
  return cached;
}

export function cleanup(f: Fixture): void {
  fs.rmSync(f.root, { recursive: true, force: true });
}
