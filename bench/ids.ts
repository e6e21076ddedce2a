// Id dictionary benchmark: memory per id, build time and lookup time at full scale, for UUID ids (36 bytes, what an
// app sends) and generated ids (`t123`), compared with what a JavaScript Map<string, number> of the same ids costs.
//   npm run bench:ids -- [--count N] [--lookups L] [--skip-map]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdDictionary } from '../src/catalog/IdDictionary.js';
import { columnsOf } from '../src/world/columnReader.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const COUNT = arg('--count', 8_200_000);
const LOOKUPS = arg('--lookups', 2_000_000);
const MiB = 2 ** 20;

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function measure(label: string, idOf: (i: number) => string): string {
  const t0 = performance.now();
  const built = IdDictionary.create(COUNT);
  for (let i = 0; i < COUNT; i++) built.add(idOf(i));
  const buildS = (performance.now() - t0) / 1000;
  // The serving form: saved, then read back (exact-size arrays, as a world or bundle loads it).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ids-'));
  const files = {};
  built.save(dir, 'ids', files);
  const d = IdDictionary.read(columnsOf(dir, files), 'ids');
  fs.rmSync(dir, { recursive: true, force: true });
  // lookups of known ids (strings made beforehand so their creation is not timed)
  const probes = Array.from({ length: 1000 }, (_, k) => idOf((k * 7919) % COUNT));
  let found = 0;
  const t1 = performance.now();
  for (let k = 0; k < LOOKUPS; k++) if (d.indexOf(probes[k % probes.length]!) >= 0) found++;
  const lookupNs = ((performance.now() - t1) * 1e6) / LOOKUPS;
  if (found !== LOOKUPS) throw new Error(`lost ids: ${LOOKUPS - found}`);
  const t2 = performance.now();
  let misses = 0;
  for (let k = 0; k < LOOKUPS; k++) if (d.indexOf(`missing-${k % 1000}`) < 0) misses++;
  const missNs = ((performance.now() - t2) * 1e6) / LOOKUPS;
  if (misses !== LOOKUPS) throw new Error('false hit');
  const perId = d.memoryBytes / COUNT;
  return `| ${label} | ${COUNT.toLocaleString('en')} | ${(d.memoryBytes / MiB).toFixed(0)} MiB | ${perId.toFixed(1)} B | ${buildS.toFixed(1)} s | ${lookupNs.toFixed(0)} ns | ${missNs.toFixed(0)} ns |`;
}

function mapCost(idOf: (i: number) => string): number {
  const before = heapUsed();
  const m = new Map<string, number>();
  for (let i = 0; i < COUNT; i++) m.set(idOf(i), i);
  const after = heapUsed();
  if (m.size !== COUNT) throw new Error('map lost ids');
  return (after - before) / COUNT;
}

// Deterministic UUID-shaped ids without holding them: i -> a v4-looking string from a hash of i.
const uuidOf = (i: number): string => {
  let h = (Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0).toString(16).padStart(8, '0');
  let g = (Math.imul(i + 0x632be59b, 0xc2b2ae35) >>> 0).toString(16).padStart(8, '0');
  h = h + g;
  g = (Math.imul(i ^ 0x27d4eb2f, 0x165667b1) >>> 0).toString(16).padStart(8, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${g.slice(0, 3)}-${g}${i.toString(16).padStart(4, '0').slice(-4)}`;
};

console.log(`# bench:ids — ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`inputs: ${COUNT.toLocaleString('en')} ids per dictionary, ${LOOKUPS.toLocaleString('en')} lookups (hits, then misses); example UUID id ${uuidOf(1)} (${randomUUID().length} chars)`);
console.log('');
console.log('| ids | count | flat arrays (loaded form) | per id | build (in memory) | lookup (hit) | lookup (miss) |');
console.log('|---|---|---|---|---|---|---|');
console.log(measure('UUIDs (36 bytes)', uuidOf));
console.log(measure('generated `t123` (≈8 bytes)', (i) => `t${i}`));
if (!argv.includes('--skip-map')) {
  const perEntry = mapCost(uuidOf);
  console.log('');
  console.log(`For comparison, a JavaScript Map<string, number> of the same UUIDs costs ${perEntry.toFixed(0)} bytes of GC heap per id (run with --expose-gc for an exact figure).`);
}
