// Encore's lists for a split: the full pipeline, trained on the training part only.
//  - a synthetic world cut at the split: the `encore offline` recipe on the world itself: a first `encore train`
//    pass (default hold-out of each listener's last session) trains and judges the learned ranker, a second pass
//    on every training session builds the serving bundle, the pass-1 ranker is attached, and every judged listener
//    gets recommend() (the online feed pipeline) with their training tracks excluded, at the cutoff's clock;
//  - interaction rows (MovieLens, imported worlds): runOffline, i.e. exactly `encore offline` on the training rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainBundle, DEFAULT_TRAIN } from '../../training/trainBundle.js';
import { withRankerTrainingDefaults } from '../../training/ranker.js';
import { loadBundle } from '../../model/loadBundle.js';
import { profilesFromUsers } from '../../pipeline/UserProfiles.js';
import { recommend, type RecommendDeps } from '../../pipeline/recommend.js';
import type { ModelBundle } from '../../model/ModelBundle.js';
import type { World } from '../../world/World.js';
import { runOffline, DEFAULT_OFFLINE, OFFLINE_TRAIN } from '../offline.js';
import { readRecsFile } from '../recsFile.js';
import { exclusionsOf, type EvalData } from './evalData.js';
import type { Lists } from './listMetrics.js';
import { listenerIdOf, trackIndexOf } from './listenerIds.js';

export interface EncoreOptions {
  readonly k: number;
  readonly diversity: boolean;
  /** ALS regularisation (the table path's tuned value; the world path uses `encore train`'s default when null). */
  readonly lambda: number | null;
  readonly quiet: boolean;
}

export interface EncoreRun {
  readonly lists: Lists;
  readonly seconds: number;
  readonly note: string;
  /** The ranker pass's report (src/training/ranker.ts), for the table path. */
  readonly rankerMessage?: string;
}

async function trainTwoPass(world: World, work: string, lambda: number | null): Promise<{ bundle: ModelBundle; note: string }> {
  const base = { ...DEFAULT_TRAIN, ...(lambda === null ? {} : { lambda }), worldDir: world.dir, world, quiet: true };
  const pass1 = await withRankerTrainingDefaults({ log: null }, () => trainBundle({ ...base, bundlesDir: path.join(work, 'bundles-ranker') }));
  const rankerBundle = await loadBundle(pass1.dir, { verify: 'sizes' });
  const ranker = rankerBundle.ranker;
  rankerBundle.close();
  const pass2 = await trainBundle({ ...base, bundlesDir: path.join(work, 'bundles'), holdOut: false });
  const bundle: ModelBundle = { ...(await loadBundle(pass2.dir, { verify: 'sizes' })), ranker };
  return { bundle, note: `encore train code, two passes (ranker ${ranker ? 'kept' : 'not kept: retrieval order'}), λ = ${lambda ?? DEFAULT_TRAIN.lambda}` };
}

async function worldLists(data: EvalData, world: World, opts: EncoreOptions): Promise<{ lists: Lists; note: string }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-eval-'));
  try {
    const { bundle, note } = await trainTwoPass(world, work, opts.lambda);
    const deps: RecommendDeps = { catalog: world.catalog, bundles: { current: () => bundle }, profiles: profilesFromUsers(world.users), listenerState: null };
    const k = opts.k;
    const items = new Int32Array(data.users * k).fill(-1);
    const excluded = exclusionsOf(data);
    for (const u of data.evalUsers) {
      const feed = await recommend(deps, {
        userId: listenerIdOf(world, u),
        surface: 'home',
        limit: k,
        diversity: opts.diversity,
        excludeTracks: excluded(u),
        nowMs: world.manifest.nowMs,
        requestId: `eval-${u}`,
        explorationSeed: u + 1,
      });
      let r = 0;
      for (const it of feed.items) {
        const t = trackIndexOf(world.catalog, it.trackId);
        if (t !== null && r < k) items[u * k + r++] = t;
      }
    }
    bundle.close();
    return { lists: { k, items }, note };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function tableLists(data: EvalData & { encore: { kind: 'table' } }, opts: EncoreOptions): Promise<{ lists: Lists; note: string; rankerMessage: string }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-eval-'));
  try {
    const out = path.join(work, 'recs.tsv');
    const lambda = opts.lambda ?? OFFLINE_TRAIN.lambda;
    const s = await runOffline({ ...DEFAULT_OFFLINE, trainFile: '(training rows)', k: opts.k, out, diversity: opts.diversity, quiet: true, train: { ...OFFLINE_TRAIN, lambda } }, data.encore.trainRows, data.encore.items);
    const items = readRecsFile(out, { userIds: [...data.encore.userIds], itemIds: [...data.encore.itemIds] }, opts.k);
    return { lists: { k: opts.k, items }, note: `encore offline path, λ = ${lambda}, ranker ${s.rankerAccepted ? s.rankerChoice : 'not used (retrieval order)'}`, rankerMessage: s.rankerMessage };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function encoreLists(data: EvalData, opts: EncoreOptions): Promise<EncoreRun> {
  const t0 = performance.now();
  const enc = data.encore;
  const r = enc.kind === 'world' ? await worldLists(data, enc.trainWorld, opts) : await tableLists({ ...data, encore: enc }, opts);
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}
