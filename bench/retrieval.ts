// Retrieval benchmark at full scale: vector index build time, recall@k against exact inner-product search,
// query latency (p50/p99, k = the home AnnSource's, one thread), resident memory of an index-only process, and how many
// ANN candidates survive the market/explicit filters for listeners in the smallest market.
//   npm run bench:retrieval -- [--bundles DIR] [--world DIR] [--queries 100] [--latency 1000]
//                              [--rebuild --bands B --connectivity C --expansion-add E]  (rebuild the index
//                              from the bundle's item factors into a temp dir and measure that one)
//                              [--expansion-search E] [--write]   (write bench/results/retrieval.md)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import usearch from 'usearch';
import { FsBundleStore } from '../src/storage/FsBundleStore.js';
import { BUNDLE_FILES, readManifest, readTyped } from '../src/model/bundleFiles.js';
import { loadItemVectors, openBundleIndex } from '../src/model/loadBundle.js';
import { DEFAULT_INDEX_PARAMS, GROUP_FILE, NORMS_FILE, ORDER_FILE, UsearchTrackIndex, type BandInfo, type IndexParams } from '../src/retrieval/UsearchIndex.js';
import { buildTrackIndex } from '../src/retrieval/buildTrackIndex.js';
import { annQueryK } from '../src/sources/AnnSource.js';
import { home } from '../src/surfaces/home.js';
import type { BundleMeta } from '../src/training/trainBundle.js';
import type { VectorIndex } from '../src/model/ModelBundle.js';
import { loadCatalog } from '../src/catalog/ColumnarCatalog.js';
import { openWorld } from '../src/world/World.js';
import { loadBundle } from '../src/model/loadBundle.js';
import { retrievalSources } from '../src/sources/index.js';
import type { RequestContext } from '../src/pipeline/contracts.js';
import type { UserIndex } from '../src/domain/ids.js';

const argv = process.argv.slice(2);
const get = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const GiB = 2 ** 30;
// k = what the home feed's AnnSource asks the index for (max(OVERFETCH_MIN, 2 x its limit)); --k overrides.
const K = Number(get('--k') ?? annQueryK(home.sources.find((s) => s.name === 'AnnSource')!.limit));

async function bundleDir(): Promise<string> {
  const explicit = get('--bundle');
  if (explicit) return explicit;
  const store = new FsBundleStore(get('--bundles') ?? '/work/data/bundles-8m');
  const v = await store.current();
  if (!v) throw new Error(`no bundle in ${store.root}; run encore train first`);
  return store.path(v);
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Child: open the index only (no float32 vectors), run queries, report RSS. */
async function indexOnlyChild(dir: string, bandsJson: string | undefined): Promise<void> {
  const m = readManifest(dir);
  let index: VectorIndex;
  if (bandsJson) {
    const b = JSON.parse(bandsJson) as { dir: string; bands: BandInfo[]; params: IndexParams };
    const norms = readTyped(dir, m, NORMS_FILE, Float32Array, false);
    index = UsearchTrackIndex.open(b.dir, b.bands, m.dim, norms, null, m.trackCount, b.params);
  } else index = openBundleIndex(dir);
  const users = readTyped(dir, m, BUNDLE_FILES.userFactors, Float32Array, false);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const u = (i * 7919) % m.userCount;
    const t0 = performance.now();
    index.search(users.subarray(u * m.dim, (u + 1) * m.dim), K);
    times.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024, userFactorsBytes: users.byteLength }));
}

async function main(): Promise<void> {
  if (argv[0] === '--child-index') {
    await indexOnlyChild(argv[1]!, argv[2]);
    return;
  }
  const dir = await bundleDir();
  const m = readManifest(dir);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, BUNDLE_FILES.meta), 'utf8')) as BundleMeta;
  const dim = m.dim;
  const N = m.trackCount;
  const cpus = os.cpus();
  const lines: string[] = [];
  const say = (s: string): void => {
    console.log(s);
    lines.push(s);
  };
  say(`# Retrieval benchmark`);
  say('');
  say(`- date: ${new Date().toISOString()}`);
  say(`- machine: ${cpus[0]?.model ?? 'unknown'} x ${cpus.length} cores, ${(os.totalmem() / GiB).toFixed(1)} GiB RAM (shared with other jobs; load average ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")}), Node ${process.version}`);
  say(`- command: npm run bench:retrieval -- ${argv.join(' ')}`);
  say(`- bundle: ${dir} (${N} tracks x ${dim} dims, ${m.userCount} listeners)`);
  const items = readTyped(dir, m, BUNDLE_FILES.itemFactors, Float32Array, false);
  const users = readTyped(dir, m, BUNDLE_FILES.userFactors, Float32Array, false);

  let params: IndexParams = { ...meta.index, bands: meta.index.bands.length };
  let bands: readonly BandInfo[] = meta.index.bands;
  let indexDir = dir;
  let buildSeconds = meta.index.buildSeconds;
  let buildNote = 'from encore train (meta.json)';
  let rebuilt: { norms: Float32Array; order: Int32Array } | null = null;
  if (argv.includes('--rebuild')) {
    params = {
      connectivity: Number(get('--connectivity') ?? DEFAULT_INDEX_PARAMS.connectivity),
      expansionAdd: Number(get('--expansion-add') ?? DEFAULT_INDEX_PARAMS.expansionAdd),
      expansionSearch: Number(get('--expansion-search') ?? DEFAULT_INDEX_PARAMS.expansionSearch),
      bands: Number(get('--bands') ?? DEFAULT_INDEX_PARAMS.bands),
      bandRatio: Number(get('--band-ratio') ?? DEFAULT_INDEX_PARAMS.bandRatio),
      minBandSize: Number(get('--min-band') ?? DEFAULT_INDEX_PARAMS.minBandSize),
      maxBandSize: Number(get('--max-band') ?? DEFAULT_INDEX_PARAMS.maxBandSize ?? 0),
    };
    indexDir = fs.mkdtempSync(path.join(fs.existsSync('/work/data') ? '/work/data' : os.tmpdir(), 'bench-index-'));
    const groups = m.files[GROUP_FILE] ? readTyped(dir, m, GROUP_FILE, Uint8Array, false) : null;
    const st = await buildTrackIndex(items, N, dim, indexDir, params, 2, (d, t) => {
      if (d % 1_048_576 < 65_536) process.stderr.write(`  index build ${d}/${t}\n`);
    }, { cold: groups, carry: null });
    bands = st.bands;
    rebuilt = st;
    buildSeconds = Math.round(st.seconds * 10) / 10;
    buildNote = 'rebuilt by this benchmark, 2 threads';
  } else if (get('--expansion-search')) params = { ...params, expansionSearch: Number(get('--expansion-search')) };
  if (get('--cosine-slack')) params = { ...params, cosineSlack: Number(get('--cosine-slack')) };
  let norms: Float32Array = readTyped(dir, m, NORMS_FILE, Float32Array, false);
  let order: Int32Array = readTyped(dir, m, ORDER_FILE, Int32Array, false);
  if (rebuilt) {
    norms = rebuilt.norms;
    order = rebuilt.order;
  }
  const cold = m.files[GROUP_FILE] ? readTyped(dir, m, GROUP_FILE, Uint8Array, false) : null;
  // Hits are re-scored with the vectors the service serves with (int8 + scale in current bundles); the exact
  // search below, the recall reference, uses the float32 vectors ALS wrote.
  const served = await loadItemVectors(dir, m, N, dim, false);
  const index = UsearchTrackIndex.open(indexDir, bands, dim, norms, served, N, params, order, cold);
  say(`- re-scoring vectors: ${served.kind === 'i8' ? 'int8 with a scale per track (as served)' : 'float32 (a bundle without int8 vectors)'}; recall reference: exact float32 search`);
  say(`- index: ${bands.length} norm bands (cosine, i8; ratio ${params.bandRatio}, min ${params.minBandSize}, max ${params.maxBandSize ?? 0}), connectivity ${params.connectivity}, expansion_add ${params.expansionAdd}, expansion_search ${params.expansionSearch}, cosine slack ${params.cosineSlack ?? DEFAULT_INDEX_PARAMS.cosineSlack ?? 'none (exact bound)'}; band sizes ${bands.map((b) => b.size).join(' / ')}`);
  say('');
  say(`| figure | value |`);
  say(`|---|---|`);
  say(`| index build (${N} x ${dim}) | ${buildSeconds} s (${buildNote}) |`);

  // Recall@k against exact inner product search (usearch exactSearch, float32, 2 threads).
  const Q = Number(get('--queries') ?? 100);
  // Listeners spread over the user range; a listener whose vector is ~zero (|x| < 1e-6: no positive evidence) has no
  // meaningful top 500 (every track scores 0), so the next listener with a vector is taken instead.
  const queries = new Float32Array(Q * dim);
  let zeroSkipped = 0;
  for (let i = 0; i < Q; i++) {
    let u = Math.floor(((i + 0.5) * m.userCount) / Q);
    for (;;) {
      let nrm = 0;
      for (let d = 0; d < dim; d++) nrm += users[u * dim + d]! * users[u * dim + d]!;
      if (nrm > 1e-12 || u + 1 >= m.userCount) break;
      zeroSkipped++;
      u++;
    }
    queries.set(users.subarray(u * dim, (u + 1) * dim), i * dim);
  }
  const te = performance.now();
  const exact = usearch.exactSearch(items, queries, dim, K, usearch.MetricKind.IP, 2) as unknown as { keys: BigUint64Array };
  const exactS = (performance.now() - te) / 1000;
  let recall = 0;
  let minRecall = 1;
  for (let i = 0; i < Q; i++) {
    const truth = new Set<number>();
    for (let j = 0; j < K; j++) truth.add(Number(exact.keys[i * K + j]));
    const hits = index.search(queries.subarray(i * dim, (i + 1) * dim), K);
    let found = 0;
    for (let j = 0; j < hits.count; j++) if (truth.has(hits.tracks[j]!)) found++;
    recall += found / K;
    minRecall = Math.min(minRecall, found / K);
  }
  recall /= Q;
  say(`| recall@${K} vs exact search (${Q} listener queries; ${zeroSkipped} listeners with |x| < 1e-6 skipped) | ${recall.toFixed(4)} on average, lowest single query ${minRecall.toFixed(3)} |`);
  say(`| exact search (SIMD, 2 threads) | ${((exactS * 1000) / Q).toFixed(0)} ms per query |`);

  // Latency, one thread, k = K, with exact re-scoring (as the service runs it) and index-only.
  const L = Number(get('--latency') ?? 1000);
  const onlyIndex = UsearchTrackIndex.open(indexDir, bands, dim, norms, null, N, params, null, cold);
  for (const [label, idx] of [
    [`query k=${K}, one thread, re-scored with the served item vectors (service), after 300 warm-up queries`, index],
    [`query k=${K}, one thread, index only, after 300 warm-up queries`, onlyIndex],
  ] as const) {
    // Warm-up (page in the memory-mapped bands as a serving process would have), then measure.
    for (let i = 0; i < 300; i++) {
      const u = (i * 7919 + 13) % m.userCount;
      idx.search(users.subarray(u * dim, (u + 1) * dim), K);
    }
    const times = new Float64Array(L);
    for (let i = 0; i < L; i++) {
      const u = (i * 104_729) % m.userCount;
      const t0 = performance.now();
      idx.search(users.subarray(u * dim, (u + 1) * dim), K);
      times[i] = performance.now() - t0;
    }
    times.sort();
    say(`| ${label} (${L} queries) | p50 ${quantile(times, 0.5).toFixed(2)} ms, p99 ${quantile(times, 0.99).toFixed(2)} ms |`);
  }

  // RSS of a fresh process holding only the index (norms + memory-mapped bands) after 300 queries.
  const self = fileURLToPath(import.meta.url);
  const childArgs = [self, '--child-index', dir];
  if (argv.includes('--rebuild')) childArgs.push(JSON.stringify({ dir: indexDir, bands, params }));
  const r = spawnSync(process.execPath, childArgs, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const out = JSON.parse((r.stdout.trim().split('\n').pop() ?? '{}')) as { rss?: number; maxRss?: number; userFactorsBytes?: number };
  if (out.rss !== undefined) {
    const idxRss = (out.rss - (out.userFactorsBytes ?? 0)) / GiB;
    say(`| RSS, index-only process after 300 queries | ${(out.rss / GiB).toFixed(2)} GiB (of which ${((out.userFactorsBytes ?? 0) / GiB).toFixed(2)} GiB query vectors: index ≈ ${idxRss.toFixed(2)} GiB) |`);
  } else say(`| RSS, index-only process | child failed: ${r.stderr.slice(-300)} |`);
  say(`| RSS, this process (index, served item vectors, float32 item factors for the exact reference, user factors) | ${(process.memoryUsage().rss / GiB).toFixed(2)} GiB |`);

  // Filter survival: listeners of the market with the fewest available tracks, explicit content off.
  const worldDir = get('--world') ?? '/work/data/world-8m';
  if (fs.existsSync(path.join(worldDir, 'manifest.json'))) {
    const catalog = loadCatalog(worldDir);
    const cols = catalog.columns;
    const sets = catalog.marketSets;
    const markets = catalog.markets;
    const avail = new Float64Array(markets.length);
    for (let t = 0; t < catalog.trackCount; t++) for (let mk = 0; mk < markets.length; mk++) if (sets.has(cols.marketSet[t]!, mk)) avail[mk]!++;
    let worst = 0;
    for (let mk = 1; mk < markets.length; mk++) if (avail[mk]! < avail[worst]!) worst = mk;
    let survived = 0;
    let minSurvived = K;
    const S = 200;
    for (let i = 0; i < S; i++) {
      const u = (i * 15_485_863) % m.userCount;
      const hits = index.search(users.subarray(u * dim, (u + 1) * dim), K);
      let s = 0;
      for (let j = 0; j < hits.count; j++) {
        const t = hits.tracks[j]!;
        if (sets.has(cols.marketSet[t]!, worst) && cols.explicit[t] === 0) s++;
      }
      survived += s;
      minSurvived = Math.min(minSurvived, s);
    }
    say(`| filter survival, market ${markets[worst]} (${((100 * avail[worst]!) / N).toFixed(1)} % of catalog available), explicit off | ${(survived / S).toFixed(0)} of ${K} hits on average, minimum ${minSurvived} (${S} listeners); AnnSource widens k x4 while fewer than its limit survive |`);
  }
  if (argv.includes('--load')) {
    for (const verify of ['sizes', 'full'] as const) {
      let maxLag = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        maxLag = Math.max(maxLag, now - last - 10);
        last = now;
      }, 10);
      const t0 = performance.now();
      const b = await loadBundle(dir, { verify });
      const secs = (performance.now() - t0) / 1000;
      clearInterval(timer);
      b.close();
      say(`| loadBundle (verify ${verify}) | ${secs.toFixed(1)} s, longest event-loop stall ${maxLag.toFixed(0)} ms |`);
    }
  }
  if (argv.includes('--sources') && fs.existsSync(path.join(worldDir, 'manifest.json'))) await sourceLatency(dir, worldDir, say);
  if (argv.includes('--rebuild')) fs.rmSync(indexDir, { recursive: true, force: true });
  if (argv.includes('--write')) {
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/retrieval.md', lines.join('\n') + '\n');
  }
}

/** Per-source fetch time at full scale (the bundle loaded as the service loads it), 200 listeners. */
async function sourceLatency(dir: string, worldDir: string, say: (s: string) => void): Promise<void> {
  const catalog = loadCatalog(worldDir);
  const world = openWorld(worldDir);
  const bundle = await loadBundle(dir, { verify: 'sizes' });
  const limits: Record<string, number> = { AnnSource: 400, CoListenSource: 200, PopularInMarketSource: 100, NewReleasesSource: 60, ColdStartSource: 200 };
  const signal = new AbortController().signal;
  for (const src of retrievalSources()) {
    const times = new Float64Array(200);
    let returned = 0;
    for (let i = 0; i < 200 + 50; i++) {
      const u = (i * 48_271) % bundle.userCount;
      const ctx: RequestContext = {
        requestId: `b${i}`,
        surface: 'home',
        userId: world.users.ids.idAt(u),
        userIndex: u,
        market: world.users.market[u]!,
        explicitOk: world.users.explicitOk[u] === 1,
        nowMs: world.manifest.nowMs,
        limit: 30,
        seedTrack: null,
        userVector: bundle.userFactors.subarray(u * bundle.dim, (u + 1) * bundle.dim),
        state: null,
        history: bundle.userHistory.recentPositives(u as UserIndex),
        onboardingGenres: [],
        catalog,
        bundle,
      };
      const t0 = performance.now();
      const batch = await src.fetch(ctx, limits[src.name] ?? 100, signal);
      if (i >= 50) {
        times[i - 50] = performance.now() - t0;
        returned += batch.count;
      }
    }
    times.sort();
    say(`| source ${src.name} (limit ${limits[src.name] ?? 100}, 200 listeners after 50 warm-up) | p50 ${quantile(times, 0.5).toFixed(2)} ms, p99 ${quantile(times, 0.99).toFixed(2)} ms, ${(returned / 200).toFixed(0)} candidates on average |`);
  }
  bundle.close();
}

await main();
