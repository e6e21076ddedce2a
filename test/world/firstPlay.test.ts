import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NEVER_PLAYED_DAY, firstPlayDays, lastActivityMs, releaseDaysOf } from '../../src/world/importers/firstPlay.js';
import { alignItems } from '../../src/world/importers/alignItems.js';
import { readItemsFile } from '../../src/world/importers/itemsFile.js';

const DAY = 86_400_000;
const rows = {
  userIds: ['a', 'b'],
  itemIds: ['x', 'y', 'z'],
  user: Int32Array.from([0, 0, 1, 1]),
  item: Int32Array.from([0, 1, 1, 0]),
  weight: new Float32Array(4).fill(1),
  timestampMs: Float64Array.from([10 * DAY + 5, 12 * DAY, 11 * DAY + 7, 3 * DAY]),
};

test('first plays date items, last rows give each listener a clock, a catalog\'s dates win when it has them', () => {
  assert.deepEqual(Array.from(firstPlayDays(rows)!), [3, 11, NEVER_PLAYED_DAY]); // z never played: never listed
  assert.deepEqual([...lastActivityMs(rows)!], [['a', 12 * DAY], ['b', 11 * DAY + 7]]);
  assert.deepEqual(Array.from(releaseDaysOf(Int32Array.from([0, 5, 9]), rows)), [0, 5, 9]);
  assert.deepEqual(Array.from(releaseDaysOf(null, rows)), [3, 11, NEVER_PLAYED_DAY]);
  const untimed = { ...rows, timestampMs: null };
  assert.equal(firstPlayDays(untimed), null);
  assert.equal(lastActivityMs(untimed), null);
  assert.deepEqual(Array.from(releaseDaysOf(null, untimed)), [0, 0, 0]);
});

test('items file: genres become 0/1 features, feature: columns numbers, metadata aligned to a file\'s item ids', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-items-'));
  try {
    const file = path.join(dir, 'items.csv');
    fs.writeFileSync(file, 'id,title,genres,feature:tempo,ignored\n1,"Heat, the film",Crime|Drama,0.5,q\n2,Toy Story,Animation,,\n3,Untagged,,1,\n');
    const items = await readItemsFile(file);
    assert.deepEqual(items.ids, ['1', '2', '3']);
    assert.deepEqual(items.meta.featureNames, ['genre:Animation', 'genre:Crime', 'genre:Drama', 'tempo']);
    assert.deepEqual(Array.from(items.meta.features), [0, 1, 1, 0.5, 1, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(items.meta.titles, ['Heat, the film', 'Toy Story', 'Untagged']);
    assert.deepEqual(Array.from(items.meta.genre), [2, 1, 0]); // first listed genre, 0 = unknown
    const aligned = alignItems(items, ['3', '9', '1']);
    assert.deepEqual(Array.from(aligned.features), [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0.5]);
    assert.deepEqual(aligned.titles, ['Untagged', 'item 9', 'Heat, the film']);

    const bad = async (body: string, message: RegExp): Promise<void> => {
      fs.writeFileSync(file, body);
      await assert.rejects(readItemsFile(file), message);
    };
    await bad('title,genres\nx,Drama\n', /no "id" column/);
    await bad('id,genres\n1,Drama\n1,Crime\n', /:3: duplicate item id "1"/);
    await bad('id,feature:tempo\n1,fast\n', /:2: feature:tempo is "fast", not a number/);
    await bad('', /empty file/);
    await assert.rejects(readItemsFile(path.join(dir, 'missing.csv')), /not found/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
