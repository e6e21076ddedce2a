// Track search benchmark (GET /v1/tracks?q=): index build time and memory, then query latency at full scale, for
// prefixes of real titles and artist names of the world (1 to 12 characters) and prefixes that match nothing.
//   npm run bench:search -- [--world /work/data/world-8m] [--queries 2000]
import os from 'node:os';
import { CatalogSearch } from '../src/catalog/CatalogSearch.js';
import { loadCatalog } from '../src/catalog/ColumnarCatalog.js';
import type { ArtistIndex, TrackIndex } from '../src/domain/ids.js';
import { mulberry32 } from '../src/rerank/rng.js';
import { percentiles } from './loadgen/stats.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const world = arg('--world', '/work/data/world-8m');
const QUERIES = Number(arg('--queries', '2000'));
const MiB = 2 ** 20;

const t0 = performance.now();
const catalog = loadCatalog(world);
const loadS = (performance.now() - t0) / 1000;
const rssBefore = process.memoryUsage().rss;
const search = new CatalogSearch(catalog);
const t1 = performance.now();
await search.warm();
const buildS = (performance.now() - t1) / 1000;
const indexMiB = (process.memoryUsage().rss - rssBefore) / MiB;

const rnd = mulberry32(7);
const queries: string[] = [];
for (let q = 0; q < QUERIES; q++) {
  const name = q % 3 === 2 ? catalog.artistName(Math.floor(rnd() * catalog.artistCount) as ArtistIndex) : catalog.trackTitle(Math.floor(rnd() * catalog.trackCount) as TrackIndex);
  queries.push(q % 10 === 9 ? `zzqx${q}` : name.slice(0, 1 + Math.floor(rnd() * 12)));
}
const all = (): boolean => true;
const lat = new Float64Array(QUERIES);
let hits = 0;
for (let q = 0; q < QUERIES; q++) {
  const s = performance.now();
  hits += (await search.find(queries[q]!, 50, all)).length;
  lat[q] = performance.now() - s;
}
const [p50, p99, max] = percentiles(lat, [50, 99, 100]);
console.log(`# bench:search — ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
console.log(`inputs: ${world} (${catalog.trackCount.toLocaleString('en')} tracks, ${catalog.artistCount.toLocaleString('en')} artists), ${QUERIES} queries: prefixes (1-12 characters) of random titles (2/3) and artist names (1/3), 1 in 10 matching nothing; at most 50 hits`);
console.log('');
console.log('| catalog load | index build | index memory (RSS growth) | query p50 | query p99 | query max | mean hits |');
console.log('|---|---|---|---|---|---|---|');
console.log(`| ${loadS.toFixed(1)} s | ${buildS.toFixed(1)} s | ${indexMiB.toFixed(0)} MiB | ${p50!.toFixed(3)} ms | ${p99!.toFixed(3)} ms | ${max!.toFixed(2)} ms | ${(hits / QUERIES).toFixed(1)} |`);
