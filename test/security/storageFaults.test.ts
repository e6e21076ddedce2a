// A failing write is a 503 (never an acknowledgement followed by a loss); a damaged embedded event log is
// refused at load with a message instead of crashing the process that opens it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ListenEvent } from '../../src/domain/events.js';
import { buildApp } from '../../src/server/app.js';
import type { EventLog } from '../../src/storage/interfaces.js';
import { LmdbEventLog } from '../../src/storage/LmdbEventLog.js';
import { MemoryListenerState } from '../../src/storage/MemoryListenerState.js';
import { openEventLog } from '../../src/storage/open.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

class FullDisk implements EventLog {
  async append(_events: readonly ListenEvent[]): Promise<{ appended: number; duplicates: string[] }> {
    throw Object.assign(new Error('MDB_MAP_FULL: Environment mapsize limit reached'), { code: 'ENOSPC' });
  }
  async read() {
    return { events: [], next: 0 };
  }
  async erase() {}
  async erasedListeners() {
    return new Set<string>();
  }
  async close() {}
}

test('a failing event-log write answers 503 ENC_STORAGE with Retry-After, and nothing is applied', async () => {
  const listenerState = new MemoryListenerState();
  const app = await buildApp({ ...testDeps(makeTestWorld()), eventLog: new FullDisk(), listenerState });
  try {
    const res = await app.inject({
      method: 'POST', url: '/v1/events',
      payload: { events: [{ eventId: 'full-1', type: 'like', userId: 'u1', trackId: 't5', timestamp: Date.now(), surface: 'home' }] },
    });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json<{ code: string }>().code, 'ENC_STORAGE');
    assert.match(res.json<{ message: string }>().message, /MDB_MAP_FULL/);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(await listenerState.get('u1'), null, 'the online state did not move ahead of the log');
  } finally {
    await app.close();
  }
});

async function damagedLog(damage: (file: string, size: number) => void): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-damaged-log-'));
  const log = LmdbEventLog.open(dir);
  await log.append(Array.from({ length: 20_000 }, (_, i) => ({ eventId: `d${i}`, type: 'like', userId: 'u1', trackId: 't1', timestamp: 1, surface: 'home' }) as ListenEvent));
  await log.close();
  const file = path.join(dir, 'data.mdb');
  damage(file, fs.statSync(file).size);
  return dir;
}

for (const [name, damage] of [
  ['truncated', (file: string, size: number) => fs.truncateSync(file, Math.floor(size / 3))],
  ['bit-flipped', (file: string, size: number) => {
    const fd = fs.openSync(file, 'r+');
    for (let off = 8192 + 100; off < size; off += 4096 * 7) {
      const b = Buffer.alloc(1);
      fs.readSync(fd, b, 0, 1, off);
      b[0] = b[0]! ^ 0xff;
      fs.writeSync(fd, b, 0, 1, off);
    }
    fs.closeSync(fd);
  }],
] as const) {
  test(`a ${name} LMDB event log is refused at load with a clear message (the opener survives)`, async () => {
    const dir = await damagedLog(damage);
    try {
      await assert.rejects(openEventLog(`lmdb://${dir}`), (err: Error) => {
        assert.match(err.message, /data\.mdb: event log refused: .*Restore it from a backup/);
        return true;
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a whole LMDB event log opens after the check', async () => {
  const dir = await damagedLog(() => undefined);
  try {
    const log = await openEventLog(`lmdb://${dir}`);
    assert.equal((await log.read(0, 10)).events.length, 10);
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
