import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTypedArrayAsync } from '../../src/storage/readFileAsync.js';

test('readTypedArrayAsync reads a column file exactly and refuses a wrong size', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-read-'));
  try {
    const values = Float32Array.from({ length: 5_000_000 }, (_, i) => i * 0.5); // 20 MB: more than one chunk
    const file = path.join(dir, 'col.f32');
    fs.writeFileSync(file, new Uint8Array(values.buffer));
    const back = await readTypedArrayAsync(file, Float32Array, values.byteLength);
    assert.equal(back.length, values.length);
    assert.equal(back[4_999_999], values[4_999_999]);
    assert.equal(back[123_456], values[123_456]);
    await assert.rejects(readTypedArrayAsync(file, Float32Array, values.byteLength + 4), /expected/);
    fs.writeFileSync(file, new Uint8Array(7));
    await assert.rejects(readTypedArrayAsync(file, Int32Array), /whole number/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
