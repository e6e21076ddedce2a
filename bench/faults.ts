// `npm run test:faults`: the long fault tests (test/faults/: kill -9, Redis and NATS outages on servers of
// their own, damaged files, the long fuzz share) plus the fast fuzz share, then a short bench:overload
// (twice the measured capacity). Prints one report and writes bench/results/faults.md.
//   npm run test:faults [-- --no-overload]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Rec {
  fault: string;
  [k: string]: string | number | boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-faults-'));
const reportFile = path.join(tmp, 'faults.jsonl');
const date = new Date().toISOString();
const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'} x ${cpus.length}, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (shared machine)`;

const tests = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', path.join(dist, 'test/faults/'), path.join(dist, 'test/security/fuzz.test.js')], {
  stdio: 'inherit',
  env: { ...process.env, ENCORE_FAULTS: '1', ENCORE_FAULTS_REPORT: reportFile },
});
const records: Rec[] = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec) : [];

interface Overload {
  capacity: number;
  ns: number;
  rows: { label: string; rate: number; served: number; shed: number; failed: number; p99: number; goodput: number }[];
  rss: Record<string, number>;
}

function runOverload(): Overload | null {
  if (process.argv.includes('--no-overload')) return null;
  const json = path.join(tmp, 'overload.json');
  const r = spawnSync(process.execPath, [path.join(dist, 'bench/overload.js'), '--step', '6', '--over', '10', '--json', json, '--out', path.join(tmp, 'overload.md')], { stdio: 'inherit' });
  return r.status === 0 ? (JSON.parse(fs.readFileSync(json, 'utf8')) as Overload) : null;
}
const overload = runOverload();

const fmt = (v: string | number | boolean): string => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : String(v));
const lines = [
  '# test:faults',
  '',
  `- date: ${date}`,
  '- command: `npm run test:faults`',
  `- machine: ${machine}`,
  `- tests: ${tests.status === 0 ? 'all passed' : `FAILED (exit ${tests.status})`}`,
  '',
  '## Faults: events sent, acknowledged, found after the fault',
  '',
  '| fault | figures |',
  '|---|---|',
  ...records.filter((r) => !r.fault.startsWith('fuzz')).map((r) => `| ${r.fault} | ${Object.entries(r).filter(([k]) => k !== 'fault').map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} |`),
  '',
  '## Fuzzing (fast-check over every route, app.inject)',
  '',
  '| run | requests | 5xx | statuses |',
  '|---|---|---|---|',
  ...records.filter((r) => r.fault.startsWith('fuzz')).map((r) => `| ${r.fault} | ${r.requests} | ${r.fiveXx} | ${r.statuses ?? ''} |`),
  '',
  `Fuzz requests in all: ${records.filter((r) => r.fault.startsWith('fuzz')).reduce((s, r) => s + Number(r.requests), 0)}, 5xx: ${records.filter((r) => r.fault.startsWith('fuzz')).reduce((s, r) => s + Number(r.fiveXx), 0)}.`,
  '',
];
if (overload !== null) {
  lines.push(
    `## Overload (bench:overload, short: capacity ${overload.capacity} req/s, then twice that)`,
    '',
    '| run | offered req/s | served | shed 503 | failed | served p99 ms | goodput req/s |',
    '|---|---|---|---|---|---|---|',
    ...overload.rows.map((x) => `| ${x.label} | ${x.rate} | ${x.served} | ${x.shed} | ${x.failed} | ${x.p99.toFixed(1)} | ${x.goodput.toFixed(1)} |`),
    '',
    `Peak RSS: ${(overload.rss.shedding! / 2 ** 20).toFixed(0)} MiB with shedding, ${(overload.rss.noShedding! / 2 ** 20).toFixed(0)} MiB without; one shedding decision ${overload.ns.toFixed(0)} ns.`,
    '',
  );
}
const md = lines.join('\n');
console.log(`\n${md}`);
fs.writeFileSync(path.join(dist, '..', 'bench/results/faults.md'), md);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(tests.status ?? 1);
