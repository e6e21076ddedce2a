// Model bundles on the local file system: <root>/<version>/ with a manifest.json. A version is complete once
// its directory exists under its final name (`encore train` writes into .tmp-<version> and renames at the end),
// so in-progress and crashed builds (.tmp-*) are never listed. Versions sort by name: `v<UTC time>-<seed>`
// names sort chronologically.
import fs from 'node:fs';
import path from 'node:path';
import type { BundleStore } from './interfaces.js';
import { MANIFEST_FILE } from '../model/bundleFiles.js';
import { Errors } from '../domain/errors.js';

export class FsBundleStore implements BundleStore {
  constructor(readonly root: string) {}

  versions(): Promise<readonly string[]> {
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve([]);
      return Promise.reject(Errors.storage(`bundle store ${this.root}: ${(e as Error).message}`));
    }
    const complete = names.filter((n) => !n.startsWith('.') && fs.existsSync(path.join(this.root, n, MANIFEST_FILE))).sort(compareVersions);
    return Promise.resolve(complete);
  }

  async current(): Promise<string | null> {
    const v = await this.versions();
    return v.length > 0 ? v[v.length - 1]! : null;
  }

  path(version: string): string {
    if (version.includes('/') || version.includes('\\') || version.startsWith('.')) throw Errors.badRequest(`bad bundle version "${version}"`);
    return path.join(this.root, version);
  }
}

/**
 * One collator for every comparison: `localeCompare` with options builds an ICU collator per call, 10-30 ms on
 * this machine, and every 500 ms poll of a store holding two or more versions paid it on the serving event loop
 * (seen in a CPU profile of a live swap).
 */
const VERSION_ORDER = new Intl.Collator('en', { numeric: true });

/** Orders version names; numeric runs compare as numbers (v9 < v10). */
export function compareVersions(a: string, b: string): number {
  return VERSION_ORDER.compare(a, b);
}
