import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CatalogSearch } from '../../src/catalog/CatalogSearch.js';
import { tinyCatalog } from '../events/tinyCatalog.js';

test('before its index is built, a search is answered by a scan with the same tracks', async () => {
  const catalog = tinyCatalog(300, 30);
  const everyone = (): boolean => true;
  // "Track 1…" titles, then tracks of artists whose name starts with the query ("Artist 1…": 1, 10-19).
  for (const [q, limit] of [['track 1', 500], ['artist 1', 500], ['TRACK 29', 5], ['nothing', 10]] as const) {
    const scanned = await new CatalogSearch(catalog, 0).find(q, limit, everyone);
    const indexed = new CatalogSearch(catalog);
    await indexed.warm();
    const fromIndex = await indexed.find(q, limit, everyone);
    assert.deepEqual([...scanned].sort((a, b) => a - b), [...fromIndex].sort((a, b) => a - b), q);
    assert.ok(scanned.length <= limit);
    if (q === 'track 1') {
      // Proof that the scan answered: catalog order (1, 10, 11, …, 100, …), where the index answers in name order.
      assert.deepEqual(scanned, [...scanned].sort((a, b) => a - b));
      assert.notDeepEqual(scanned, fromIndex);
    }
  }
  const odd = await new CatalogSearch(catalog, 0).find('track', 7, (t) => t % 2 === 1);
  assert.equal(odd.length, 7);
  assert.ok(odd.every((t) => t % 2 === 1), 'the filter applies to the scan');
});
