import fs from 'node:fs';
import type { InteractionTable } from './interactions.js';

/**
 * Writes the rows of `table` selected by `take` as a delimited file with a header (user, item, weight,
 * timestamp in unix seconds), the input format of `encore offline`.
 */
export function writeInteractionsFile(path: string, table: InteractionTable, take: Uint8Array): void {
  const lines: string[] = ['user\titem\tweight\ttimestamp'];
  for (let i = 0; i < table.user.length; i++) {
    if (take[i] !== 1) continue;
    const ts = table.timestampMs[i]!;
    lines.push(`${table.userIds[table.user[i]!]}\t${table.itemIds[table.item[i]!]}\t${table.weight[i]}\t${Number.isNaN(ts) ? '' : Math.round(ts / 1000)}`);
  }
  fs.writeFileSync(path, lines.join('\n') + '\n');
}

/**
 * Reads a RECS file (user TAB item TAB rank) into a users x k matrix of item indices of `table`, -1 padded.
 * Unknown users or items are ignored (counted as misses).
 */
export function readRecsFile(path: string, table: Pick<InteractionTable, 'userIds' | 'itemIds'>, k: number): Int32Array {
  const userIndex = new Map(table.userIds.map((u, i) => [u, i]));
  const itemIndex = new Map(table.itemIds.map((it, i) => [it, i]));
  const recs = new Int32Array(table.userIds.length * k).fill(-1);
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (line.length === 0) continue;
    const [u, it, r] = line.split('\t');
    const ui = userIndex.get(u ?? '');
    const ii = itemIndex.get(it ?? '');
    const rank = Number(r);
    if (ui === undefined || ii === undefined || !(rank >= 1 && rank <= k)) continue;
    recs[ui * k + rank - 1] = ii;
  }
  return recs;
}
