// A tiny generated world with a trained bundle, served by the real service (embedded, in memory) on a
// port of its own: what the page tests drive. About 10 s to build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openService, type Service } from '../../src/server/openService.js';
import { silentLogger } from '../../src/server/deps.js';
import { trainBundle } from '../../src/training/trainBundle.js';
import { generateWorld } from '../../src/world/World.js';
import { SMALL_TRAIN } from '../training/fixture.js';

export interface ServedWorld {
  readonly service: Service;
  readonly url: string;
  readonly bundleVersion: string;
  close(): Promise<void>;
}

/** `pageKey`: the key the service writes into the page (as the embedded demo mode does). */
export async function serveTinyWorld(port: number, pageKey?: string): Promise<ServedWorld> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-ui-'));
  const worldDir = path.join(root, 'world');
  const bundlesDir = path.join(root, 'bundles');
  await generateWorld({ tracks: 3000, users: 150, seed: 9, out: worldDir });
  const summary = await trainBundle({ ...SMALL_TRAIN, worldDir, bundlesDir });
  const service = await openService({ worldDir, bundlesDir, stateUrl: 'memory://', eventsUrl: 'memory://', watchMs: 0, logger: silentLogger, ...(pageKey !== undefined ? { pageKey } : {}) });
  await service.app.listen({ port, host: '127.0.0.1' });
  return {
    service,
    url: `http://127.0.0.1:${port}/`,
    bundleVersion: path.basename(summary.dir),
    async close() {
      await service.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
