// PrefixSearch against a brute-force scan: random names with shared prefixes longer than the 8-byte key, case
// differences, non-ASCII; every prefix query must return exactly the names that start with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrefixSearch } from '../../src/catalog/PrefixSearch.js';
import { mulberry32 } from '../../src/rerank/rng.js';

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

test('prefix search returns exactly the names starting with the query, at any length and case', async () => {
  const rnd = mulberry32(3);
  const parts = ['love', 'Love ', 'the endless night', 'The End', 'a', 'zebra crossing long', 'Ünïcödé', 'x', ' ', 'song'];
  const names: string[] = [];
  for (let i = 0; i < 4000; i++) {
    let n = '';
    for (let k = 0, len = 1 + Math.floor(rnd() * 4); k < len; k++) n += parts[Math.floor(rnd() * parts.length)]!;
    names.push(n);
  }
  // half of the names in a flat UTF-8 table, the rest "changed since load"
  const half = names.length / 2;
  const blobs = names.slice(0, half).map((n) => Buffer.from(n, 'utf8'));
  const offsets = new Uint32Array(half + 1);
  blobs.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.length));
  const table = { offsets, blob: Buffer.concat(blobs) };
  const changed = new Map(names.slice(half).map((n, i) => [half + i, n] as const));
  const index = await PrefixSearch.build({ table, changed }, names.length);
  for (let q = 0; q < 300; q++) {
    const name = names[Math.floor(rnd() * names.length)]!;
    const query = q % 5 === 0 ? name.toUpperCase().slice(0, 1 + Math.floor(rnd() * 30)) : name.slice(0, 1 + Math.floor(rnd() * 30));
    const want = names.flatMap((n, i) => (asciiLower(n).startsWith(asciiLower(query)) ? [i] : []));
    const got = index.find(query, 1e9).sort((a, b) => a - b);
    assert.deepEqual(got, want, JSON.stringify(query));
    // The scan that answers before an index exists finds the same names, in entry order.
    assert.deepEqual(PrefixSearch.scan({ table, changed }, names.length, query, 1e9), want, `scan ${JSON.stringify(query)}`);
  }
  assert.deepEqual(PrefixSearch.scan({ table, changed }, names.length, 'love', 3, (i) => i % 2 === 0).length, 3, 'scan: limit and filter');
  assert.ok(PrefixSearch.scan({ table, changed }, names.length, 'love', 3, (i) => i % 2 === 0).every((i) => i % 2 === 0));
  assert.deepEqual(index.find('no such prefix', 10), []);
  assert.equal(index.find('love', 7).length, 7, 'at most the limit');
});
