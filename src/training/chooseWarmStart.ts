// Which bundle a retrain starts from (`encore train --warm-start auto|off|DIR`). `auto` takes the bundle
// store's current version when it was trained on this very world directory (same world manifest hash: the
// event log merged on top is what a retrain adds) with the same number of factors; anything else starts from
// nothing, because factors of another world would be a worse start than random.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FsBundleStore } from '../storage/FsBundleStore.js';
import { readManifest } from '../model/bundleFiles.js';

export async function chooseWarmStart(mode: string, bundlesDir: string, worldDir: string, factors: number): Promise<string | null> {
  if (mode === 'off') return null;
  if (mode !== 'auto') return mode;
  if (!fs.existsSync(bundlesDir)) return null;
  const store = new FsBundleStore(bundlesDir);
  const current = await store.current();
  if (!current) return null;
  const dir = store.path(current);
  const m = readManifest(dir);
  const worldHash = createHash('sha256').update(fs.readFileSync(path.join(worldDir, 'manifest.json'))).digest('hex');
  return m.worldManifestHash === worldHash && m.dim === factors ? dir : null;
}
