import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOffline, DEFAULT_OFFLINE } from '../../src/eval/offline.js';
import { home } from '../../src/surfaces/home.js';

// `encore offline` writes no random pick unless asked (--explore), and with it each drawn pick's line carries the
// propensity to log with the impression. A small file: 80 listeners over 300 items in 10 taste groups.
function writeRows(file: string): void {
  const lines = ['user\titem\tweight\ttimestamp'];
  let t = 1_600_000_000;
  for (let u = 0; u < 80; u++) {
    const group = u % 10;
    for (let j = 0; j < 25; j++) {
      const item = (group * 30 + ((u * 7 + j * 11) % 30)) % 300;
      lines.push(`u${u}\ti${item}\t${1 + (j % 5)}\t${t}`);
      t += 60;
    }
    for (let j = 0; j < 5; j++) lines.push(`u${u}\ti${(u * 13 + j * 37) % 300}\t3\t${(t += 60)}`);
  }
  fs.writeFileSync(file, [...new Set(lines)].join('\n') + '\n');
}

test('offline lists: no exploration pick by default; --explore marks each drawn pick with its propensity', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-offline-explore-'));
  try {
    const trainFile = path.join(dir, 'rows.tsv');
    writeRows(trainFile);
    const K = 20;
    const run = async (exploration: boolean): Promise<string[][]> => {
      const out = path.join(dir, `recs-${exploration}.tsv`);
      await runOffline({ ...DEFAULT_OFFLINE, trainFile, k: K, out, exploration, quiet: true, train: { ...DEFAULT_OFFLINE.train, iterations: 4 } });
      return fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    };
    const plain = await run(false);
    assert.ok(plain.length > 0);
    assert.ok(plain.every((cols) => cols.length === 3), 'default lines are user, item, rank');
    const explored = await run(true);
    const drawn = explored.filter((cols) => cols.length === 4);
    assert.ok(drawn.length > 0, 'some lists hold a drawn pick');
    for (const cols of drawn) {
      assert.equal(Number(cols[2]), home.rerank.explorationSlot + 1, 'the pick sits at the surface\'s exploration position');
      const p = Number(cols[3]);
      assert.ok(p > 0 && p <= 1, `propensity ${cols[3]}`);
    }
    assert.ok(drawn.length <= new Set(explored.map((c) => c[0])).size, 'at most one drawn pick per listener');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
