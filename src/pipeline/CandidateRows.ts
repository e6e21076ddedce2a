// The flat, deduplicated candidate table (CandidateSet) plus the row's winning source, and the
// compaction used after each filter. Typed arrays only; one row per distinct track.
import type { CandidateSet } from './contracts.js';

export interface CandidateRows extends CandidateSet {
  /** Per row, the column (index into sourceNames) of the source that explains it best. */
  winner: Int8Array;
}

export function emptyRows(sourceNames: readonly string[], capacity: number): CandidateRows {
  const s = sourceNames.length;
  return {
    sourceNames,
    count: 0,
    tracks: new Int32Array(capacity),
    sourceScores: new Float32Array(capacity * s).fill(NaN),
    sourceRanks: new Int32Array(capacity * s).fill(-1),
    becauseOf: new Int32Array(capacity).fill(-1),
    score: new Float32Array(capacity),
    winner: new Int8Array(capacity),
  };
}

/** Keeps only `rows` (indices into `set`, in order); returns a new table. */
export function selectRows(set: CandidateRows, rows: Int32Array): CandidateRows {
  const s = set.sourceNames.length;
  const n = rows.length;
  const out = emptyRows(set.sourceNames, n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    out.tracks[i] = set.tracks[r]!;
    out.becauseOf[i] = set.becauseOf[r]!;
    out.score[i] = set.score[r]!;
    out.winner[i] = set.winner[r]!;
    for (let c = 0; c < s; c++) {
      out.sourceScores[i * s + c] = set.sourceScores[r * s + c]!;
      out.sourceRanks[i * s + c] = set.sourceRanks[r * s + c]!;
    }
  }
  out.count = n;
  return out;
}
