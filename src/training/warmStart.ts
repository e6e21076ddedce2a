// Warm start of a retrain: the previous bundle's factors as ALS's starting point, so that a few iterations
// after a day of new events reach what ten from random would. Tracks keep their index across catalog
// versions (indices are only ever appended), so item rows map one to one; listener rows are matched by the
// listener's id string through the bundle's id dictionary (a listener new since then starts at random).
import { IdDictionary, idDictionaryFiles } from '../catalog/IdDictionary.js';
import { BUNDLE_FILES, readManifest, readTyped, readTypedAsync } from '../model/bundleFiles.js';
import { Errors } from '../domain/errors.js';
import type { AlsInit } from './als.js';

export interface WarmStart extends AlsInit {
  readonly fromVersion: string;
  /** Listeners of the new training set found in the previous bundle. */
  readonly usersMatched: number;
}

/**
 * Factors of the bundle in `dir`, laid out for a world of `trackCount` tracks and the listeners `userIds`. The item
 * factors are memory-mapped (copy-on-write: nothing here writes them) and used in place when the catalog has not
 * grown: at 8.2M tracks reading the 2.1 GB file and copying it into a fresh array took 17 of the warm retrain's
 * seconds on this machine (page faults of new memory), a mapping of pages already in the page cache almost none.
 */
export async function readWarmStart(dir: string, userIds: IdDictionary, trackCount: number, dim: number): Promise<WarmStart> {
  const m = readManifest(dir);
  if (m.dim !== dim) throw Errors.badRequest(`--warm-start ${dir}: ${m.dim} factors, this training uses ${dim}`);
  if (m.trackCount > trackCount) throw Errors.badRequest(`--warm-start ${dir}: ${m.trackCount} tracks, more than the world's ${trackCount} (another world?)`);
  const prevItems = await readTypedAsync(dir, m, BUNDLE_FILES.itemFactors, Float32Array, false);
  const prevUsers = readTyped(dir, m, BUNDLE_FILES.userFactors, Float32Array, false);
  const f = idDictionaryFiles(BUNDLE_FILES.userIds);
  const prevIds = IdDictionary.fromArrays(
    readTyped(dir, m, f.offsets, Uint32Array, false),
    readTyped(dir, m, f.utf8, Uint8Array, false),
    readTyped(dir, m, f.hash, Int32Array, false),
    `${dir}/${BUNDLE_FILES.userIds}`,
  );
  let itemFactors = prevItems;
  if (prevItems.length !== trackCount * dim) {
    itemFactors = new Float32Array(trackCount * dim);
    itemFactors.set(prevItems);
  }
  const userFactors = new Float32Array(userIds.size * dim);
  let usersMatched = 0;
  for (let u = 0; u < userIds.size; u++) {
    const p = prevIds.indexOf(userIds.idAt(u));
    if (p < 0) continue;
    userFactors.set(prevUsers.subarray(p * dim, (p + 1) * dim), u * dim);
    usersMatched++;
  }
  return { itemFactors, userFactors, fromVersion: m.bundleVersion, usersMatched };
}
