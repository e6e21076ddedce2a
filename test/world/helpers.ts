import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `encore-${prefix}-`));
}

/** The shared datasets folder (CI sets ENCORE_DATASETS), or null when absent. */
export function datasetsDir(): string | null {
  const dir = process.env.ENCORE_DATASETS ?? '/work/shared/datasets';
  return fs.existsSync(dir) ? dir : null;
}

export function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out.sort();
}
