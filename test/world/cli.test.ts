import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorld } from '../../src/world/World.js';
import { tempDir } from './helpers.js';
import { idsOf } from '../support/catalogIds.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/encore.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('encore world writes a world and a summary; encore import refuses a malformed file and leaves nothing', () => {
  const dir = tempDir('cli');
  try {
    const out = path.join(dir, 'w');
    const r = run('world', '--tracks', '3000', '--users', '150', '--seed', '9', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /3000 tracks, 250 artists, .* 150 listeners, \d+ events .*% skipped/);
    assert.equal(openWorld(out).catalog.trackCount, 3000);

    const csv = path.join(dir, 'plays.tsv');
    fs.writeFileSync(csv, 'user\titem\tweight\nx\ty\t1\nx\tz\n');
    const bad = run('import', '--format', 'delimited', '--in', csv, '--out', path.join(dir, 'imported'));
    assert.equal(bad.status, 1);
    assert.ok(bad.stderr.includes(`[ENC_IMPORT_ROW] ${csv}:3: expected 3 columns, found 2`), bad.stderr);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['plays.tsv', 'w']);

    fs.writeFileSync(csv, 'user\titem\tweight\nx\ty\t1\nx\tz\t2\n');
    const ok = run('import', '--format', 'delimited', '--in', csv, '--out', path.join(dir, 'imported'));
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(idsOf(openWorld(path.join(dir, 'imported')).catalog.trackIds), ['y', 'z']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
