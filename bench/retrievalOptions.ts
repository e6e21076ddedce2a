// Retrieval options side by side (issue 11, point 1): on the same trained vectors and listener queries, build
// each candidate index design and measure build time, recall@k against exact inner-product search (k = what
// the home feed's AnnSource asks for) and per-query latency on one thread with the service's exact re-scoring.
//   npm run bench:retrieval-options -- [--bundles DIR | --bundle DIR] [--sample 1000000] [--queries 100]
//        [--latency 1000] [--write]
// Designs:
//   bands      trained / cold-start groups cut into norm bands, one cosine i8 HNSW per band (the service's)
//   mips-i8    one HNSW over all tracks after the MIPS -> cosine transform (append sqrt(M^2 - |y|^2)), i8
//   mips-f16   the same with f16 vectors
// A sample of the catalog (every track with a trained vector kept in proportion) keeps each build to about a
// minute; the chosen design is then measured at full scale by `npm run bench:retrieval`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import usearch, { type Index } from 'usearch';
import { FsBundleStore } from '../src/storage/FsBundleStore.js';
import { BUNDLE_FILES, readManifest, readTyped } from '../src/model/bundleFiles.js';
import { Int8ItemVectors, quantizeRows } from '../src/model/ItemVectors.js';
import { DEFAULT_INDEX_PARAMS, GROUP_FILE, UsearchTrackIndex, keepTop } from '../src/retrieval/UsearchIndex.js';
import { buildTrackIndex } from '../src/retrieval/buildTrackIndex.js';
import { annQueryK } from '../src/sources/AnnSource.js';
import { home } from '../src/surfaces/home.js';
import { sfc32 } from '../src/training/als.js';

const argv = process.argv.slice(2);
const get = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

interface Design {
  readonly name: string;
  readonly build: () => Promise<{ search: (q: Float32Array, k: number) => Int32Array; seconds: number; bytes: number }>;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const dir = get('--bundle') ?? (await (async () => {
    const store = new FsBundleStore(get('--bundles') ?? '/work/data/bundles-8m');
    const v = await store.current();
    if (!v) throw new Error(`no bundle in ${store.root}`);
    return store.path(v);
  })());
  const m = readManifest(dir);
  const dim = m.dim;
  const allItems = readTyped(dir, m, BUNDLE_FILES.itemFactors, Float32Array, false);
  const users = readTyped(dir, m, BUNDLE_FILES.userFactors, Float32Array, false);
  const coldAll = m.files[GROUP_FILE] ? readTyped(dir, m, GROUP_FILE, Uint8Array, false) : null;
  const want = Math.min(m.trackCount, Number(get('--sample') ?? 1_000_000));
  // Deterministic uniform sample of tracks (renumbered 0..n-1).
  const rnd = sfc32(5);
  const picked: number[] = [];
  for (let t = 0; t < m.trackCount; t++) if (rnd() < want / m.trackCount) picked.push(t);
  const n = picked.length;
  const items = new Float32Array(n * dim);
  const cold = new Uint8Array(n);
  picked.forEach((t, i) => {
    items.set(allItems.subarray(t * dim, (t + 1) * dim), i * dim);
    cold[i] = coldAll ? coldAll[t]! : 0;
  });
  const k = annQueryK(home.sources.find((s) => s.name === 'AnnSource')!.limit);
  const Q = Number(get('--queries') ?? 100);
  const queries = new Float32Array(Q * dim);
  for (let i = 0, u = 0; i < Q; u++) {
    const x = users.subarray(u * 997 % m.userCount * dim, (u * 997 % m.userCount + 1) * dim);
    let nrm = 0;
    for (let d = 0; d < dim; d++) nrm += x[d]! * x[d]!;
    if (nrm > 1e-12) queries.set(x, dim * i++);
  }
  const exact = usearch.exactSearch(items, queries, dim, k, usearch.MetricKind.IP, 2) as unknown as { keys: BigUint64Array };
  const tmpRoot = fs.mkdtempSync(path.join(fs.existsSync('/work/data') ? '/work/data' : os.tmpdir(), 'bench-options-'));
  const params = DEFAULT_INDEX_PARAMS;
  const designs: Design[] = [
    {
      name: 'bands (trained / cold groups, cosine i8 per norm band)',
      build: async () => {
        const d = path.join(tmpRoot, 'bands');
        fs.mkdirSync(d);
        const st = await buildTrackIndex(items, n, dim, d, params, 2, undefined, { cold: coldAll ? cold : null, carry: null });
        const q8 = quantizeRows(items, dim); // re-scored as the service does (src/model/ItemVectors.ts)
        const idx = UsearchTrackIndex.open(d, st.bands, dim, st.norms, new Int8ItemVectors(q8.codes, q8.scales, dim), n, params, st.order, coldAll ? cold : null);
        return { search: (q, kk) => idx.search(q, kk).tracks, seconds: st.seconds, bytes: dirBytes(d) };
      },
    },
    ...(['i8', 'f16'] as const).map((quant) => ({
      name: `one index, MIPS -> cosine transform (dim + 1), ${quant}`,
      build: async () => mipsIndex(items, n, dim, quant, path.join(tmpRoot, `mips-${quant}.usearch`)),
    })),
  ];
  const lines: string[] = [];
  const say = (s: string): void => {
    console.log(s);
    lines.push(s);
  };
  say(`# Retrieval options side by side`);
  say('');
  say(`- date: ${new Date().toISOString()}; machine: ${os.cpus()[0]?.model} x ${os.cpus().length}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  say(`- command: npm run bench:retrieval-options -- ${argv.join(' ')}`);
  say(`- vectors: bundle ${path.basename(dir)}, a uniform sample of ${n} of its ${m.trackCount} tracks (${cold.reduce((a, b) => a + b, 0)} cold-start); ${Q} listener queries; k = ${k} (home AnnSource); connectivity ${params.connectivity}, expansion_add ${params.expansionAdd}, expansion_search ${params.expansionSearch}`);
  say('');
  say('| design | build | index bytes | recall@k | p50 | p99 |');
  say('|---|---|---|---|---|---|');
  for (const design of designs) {
    const built = await design.build();
    let recall = 0;
    for (let i = 0; i < Q; i++) {
      const truth = new Set<number>();
      for (let j = 0; j < k; j++) truth.add(Number(exact.keys[i * k + j]));
      const got = built.search(queries.subarray(i * dim, (i + 1) * dim), k);
      let found = 0;
      for (const t of got) if (truth.has(t)) found++;
      recall += found / k / Q;
    }
    const L = Number(get('--latency') ?? 1000);
    const times = new Float64Array(L);
    for (let i = 0; i < L + 200; i++) {
      const u = (i * 104_729) % m.userCount;
      const t0 = performance.now();
      built.search(users.subarray(u * dim, (u + 1) * dim), k);
      if (i >= 200) times[i - 200] = performance.now() - t0;
    }
    times.sort();
    say(`| ${design.name} | ${built.seconds.toFixed(1)} s | ${(built.bytes / 2 ** 20).toFixed(0)} MiB | ${recall.toFixed(4)} | ${quantile(times, 0.5).toFixed(3)} ms | ${quantile(times, 0.99).toFixed(3)} ms |`);
  }
  fs.rmSync(tmpRoot, { recursive: true, force: true });
  if (argv.includes('--write')) fs.writeFileSync('bench/results/retrieval-options.md', lines.join('\n') + '\n');
}

function dirBytes(d: string): number {
  let s = 0;
  for (const f of fs.readdirSync(d)) s += fs.statSync(path.join(d, f)).size;
  return s;
}

/** One HNSW over y' = [y, sqrt(M^2 - |y|^2)] / M (cosine); query [q, 0]; hits re-scored exactly. */
function mipsIndex(items: Float32Array, n: number, dim: number, quant: 'i8' | 'f16', file: string): { search: (q: Float32Array, k: number) => Int32Array; seconds: number; bytes: number } {
  const t0 = performance.now();
  let maxNorm = 0;
  const norms = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += items[t * dim + d]! ** 2;
    norms[t] = Math.sqrt(s);
    maxNorm = Math.max(maxNorm, norms[t]!);
  }
  const p = DEFAULT_INDEX_PARAMS;
  const index: Index = new usearch.Index({
    dimensions: dim + 1,
    metric: usearch.MetricKind.Cos,
    quantization: quant === 'i8' ? usearch.ScalarKind.I8 : usearch.ScalarKind.F16,
    connectivity: p.connectivity,
    expansion_add: p.expansionAdd,
    expansion_search: p.expansionSearch,
    multi: false,
  });
  const B = 65_536;
  const batch = new Float32Array(B * (dim + 1));
  const keys = new BigUint64Array(B);
  for (let s = 0; s < n; s += B) {
    const c = Math.min(B, n - s);
    for (let i = 0; i < c; i++) {
      const t = s + i;
      for (let d = 0; d < dim; d++) batch[i * (dim + 1) + d] = items[t * dim + d]! / maxNorm;
      batch[i * (dim + 1) + dim] = Math.sqrt(Math.max(0, 1 - (norms[t]! / maxNorm) ** 2));
      keys[i] = BigInt(t);
    }
    index.add(keys.subarray(0, c), batch.subarray(0, c * (dim + 1)), 2);
  }
  const seconds = (performance.now() - t0) / 1000;
  index.save(file);
  const q1 = new Float32Array(dim + 1);
  const search = (q: Float32Array, k: number): Int32Array => {
    q1.set(q.subarray(0, dim));
    q1[dim] = 0;
    const r = index.search(q1, k, 1);
    const tracks = new Int32Array(r.keys.length);
    const scores = new Float32Array(r.keys.length);
    for (let i = 0; i < tracks.length; i++) {
      const t = Number(r.keys[i]);
      tracks[i] = t;
      let s = 0;
      for (let d = 0; d < dim; d++) s += items[t * dim + d]! * q[d]!;
      scores[i] = s;
    }
    keepTop(tracks, scores, tracks.length, tracks.length);
    return tracks;
  };
  return { search, seconds, bytes: fs.statSync(file).size };
}

await main();
