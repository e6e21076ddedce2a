import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mapFile, mmapAvailable } from '../../src/model/mappedFile.js';
import { parseStatusMemory, readStatusMemory, startMemoryPeaks } from '../../src/training/memoryPeaks.js';

const hasProc = fs.existsSync('/proc/self/status');

test('parseStatusMemory reads RssAnon and RssShmem, and refuses a text without them', () => {
  const text = 'Name:\tnode\nVmHWM:\t 900000 kB\nVmRSS:\t  812345 kB\nRssAnon:\t  600000 kB\nRssFile:\t  200000 kB\nRssShmem:\t   12345 kB\n';
  assert.deepEqual(parseStatusMemory(text), { anonKb: 600000, shmemKb: 12345 });
  assert.equal(parseStatusMemory('Name:\tnode\nVmRSS:\t 1 kB\n'), null);
});

test('the anonymous peak rises with memory this process touches and does not fall when it is freed', { skip: !hasProc && 'no /proc here' }, async () => {
  const peaks = startMemoryPeaks(10);
  try {
    const before = peaks.peakAnonMb();
    assert.ok(before !== null && before > 0);
    let block: Uint8Array | null = new Uint8Array(256 * 2 ** 20);
    block.fill(1); // touched: resident and anonymous
    const during = peaks.peakAnonMb();
    assert.ok(during !== null && during >= before + 200, `peak ${during} MB after touching 256 MB (before ${before} MB)`);
    block = null;
    assert.ok(peaks.peakAnonMb()! >= during, 'a peak never falls');
  } finally {
    await peaks.stop();
  }
});

test('pages of a file mapped read-only and read are resident but not anonymous (what maxRSS counts and this does not)', { skip: (!hasProc || !mmapAvailable) && 'no /proc or no mmap addon here' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-mem-'));
  try {
    const file = path.join(dir, 'factors.bin');
    fs.writeFileSync(file, Buffer.alloc(128 * 2 ** 20, 7));
    const before = readStatusMemory()!;
    const mapped = new Uint8Array(mapFile(file)!);
    let sum = 0;
    for (let i = 0; i < mapped.length; i += 4096) sum += mapped[i]!;
    assert.equal(sum, 7 * (mapped.length / 4096));
    const after = readStatusMemory()!;
    assert.ok(after.anonKb - before.anonKb < 32 * 1024, `anonymous grew ${(after.anonKb - before.anonKb) / 1024} MB reading a 128 MB mapping`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
