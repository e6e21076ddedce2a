// Merge and dedupe: the sources' batches become one row per distinct track. A track returned by several
// sources keeps every source's score and rank; its winner is the source that ranked it highest
// (ties: the earlier source in the surface config), and becauseOf comes from that source.
import type { CandidateBatch } from './contracts.js';
import { emptyRows, type CandidateRows } from './CandidateRows.js';

export interface MergeResult {
  readonly rows: CandidateRows;
  /** Candidates seen more than once across (or within) sources. */
  readonly duplicates: number;
  /** Candidates dropped because the track index is not in the catalog. */
  readonly invalid: number;
}

/**
 * `batches[c]` belongs to column c of `sourceNames` (null when that source returned nothing).
 * `trackCount` bounds valid track indices.
 */
export function mergeBatches(sourceNames: readonly string[], batches: readonly (CandidateBatch | null)[], trackCount: number): MergeResult {
  const s = sourceNames.length;
  let total = 0;
  for (const b of batches) if (b) total += b.count;
  const rows = emptyRows(sourceNames, total);
  const rowOf = new Map<number, number>();
  let duplicates = 0;
  let invalid = 0;
  for (let c = 0; c < batches.length; c++) {
    const b = batches[c];
    if (!b) continue;
    for (let i = 0; i < b.count; i++) {
      const t = b.tracks[i]!;
      if (!(t >= 0 && t < trackCount)) {
        invalid++;
        continue;
      }
      let r = rowOf.get(t);
      if (r === undefined) {
        r = rows.count++;
        rowOf.set(t, r);
        rows.tracks[r] = t;
        rows.winner[r] = c;
        rows.becauseOf[r] = b.becauseOf[i] ?? -1;
      } else {
        if (rows.sourceRanks[r * s + c] !== -1) {
          duplicates++; // the same source returned it twice: keep its first (best) rank
          continue;
        }
        duplicates++;
        const w = rows.winner[r]!;
        if (i < rows.sourceRanks[r * s + w]!) {
          rows.winner[r] = c;
          rows.becauseOf[r] = b.becauseOf[i] ?? -1;
        }
      }
      rows.sourceScores[r * s + c] = b.scores[i]!;
      rows.sourceRanks[r * s + c] = i;
    }
  }
  return { rows, duplicates, invalid };
}
