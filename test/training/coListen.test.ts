// The co-listening table against a direct count: for every track, the tracks completed within WINDOW positions of
// it in the same session (consecutive repeats of a track removed), weight count / sqrt(freq a * freq b), the topN
// heaviest (ties: smaller track first), best first; split into several passes or not, the table is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildCoListen, DEFAULT_COLISTEN } from '../../src/training/coListen.js';
import { userRanges, type EventColumns } from '../../src/training/confidence.js';
import { EventType } from '../../src/domain/events.js';

function expected(track: number[], session: number[], trackCount: number, window: number, topN: number): Map<number, [number, number][]> {
  const seqT: number[] = [];
  const seqS: number[] = [];
  for (let i = 0; i < track.length; i++) {
    if (seqT.length > 0 && seqT[seqT.length - 1] === track[i] && seqS[seqS.length - 1] === session[i]) continue;
    seqT.push(track[i]!);
    seqS.push(session[i]!);
  }
  const freq = new Array<number>(trackCount).fill(0);
  for (const t of seqT) freq[t]!++;
  const counts = new Map<number, Map<number, number>>();
  for (let i = 0; i < seqT.length; i++) {
    for (let j = Math.max(0, i - window); j <= i + window && j < seqT.length; j++) {
      if (j === i || seqS[j] !== seqS[i] || seqT[j] === seqT[i]) continue;
      const row = counts.get(seqT[i]!) ?? new Map<number, number>();
      row.set(seqT[j]!, (row.get(seqT[j]!) ?? 0) + 1);
      counts.set(seqT[i]!, row);
    }
  }
  const out = new Map<number, [number, number][]>();
  for (const [a, row] of counts) {
    const list = [...row].map(([b, c]): [number, number] => [b, Math.fround(c / Math.sqrt(freq[a]! * freq[b]!))]);
    list.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    out.set(a, list.slice(0, topN));
  }
  return out;
}

test('co-listening rows are the topN of a direct pair count', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ user: fc.integer({ min: 0, max: 3 }), session: fc.integer({ min: 0, max: 2 }), track: fc.integer({ min: 0, max: 11 }), done: fc.boolean() }), { maxLength: 120 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 30 }),
      (rows, topN, pairsPerPass) => {
        // Events grouped by user, sessions numbered globally in order (as a world stores them).
        rows.sort((x, y) => x.user - y.user || x.session - y.session);
        const n = rows.length;
        const ev: EventColumns = {
          count: n,
          user: Int32Array.from(rows, (r) => r.user),
          track: Int32Array.from(rows, (r) => r.track),
          type: Uint8Array.from(rows, (r) => (r.done ? EventType.complete : EventType.skip)),
          positionMs: new Int32Array(n),
          session: Int32Array.from(rows, (r) => r.user * 10 + r.session),
          timestampMs: Float64Array.from(rows, (_, i) => i * 1000),
          weight: null,
        };
        const ranges = userRanges(ev, 4, false);
        const table = buildCoListen(ev, ranges, 4, 12, { ...DEFAULT_COLISTEN, topN, pairsPerPass });
        const done = rows.filter((r) => r.done);
        const want = expected(done.map((r) => r.track), done.map((r) => r.user * 10 + r.session), 12, DEFAULT_COLISTEN.window, topN);
        for (let a = 0; a < 12; a++) {
          const got: [number, number][] = [];
          for (let p = table.indptr[a]!; p < table.indptr[a + 1]!; p++) got.push([table.tracks[p]!, table.weights[p]!]);
          assert.deepEqual(got, want.get(a) ?? [], `track ${a}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});
