// Figures of the long fault tests: each test appends one JSON line to $ENCORE_FAULTS_REPORT (set by
// `npm run test:faults`, test/faults/run.ts), which prints and writes them as bench/results/faults.md.
import fs from 'node:fs';

export interface FaultRecord {
  readonly fault: string;
  readonly [field: string]: string | number | boolean;
}

export function record(r: FaultRecord): void {
  const file = process.env.ENCORE_FAULTS_REPORT;
  if (file !== undefined && file !== '') fs.appendFileSync(file, `${JSON.stringify(r)}\n`);
}
