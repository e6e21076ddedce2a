// kill -9 while events stream in: every event the service acknowledged is in the log afterwards.
// LMDB: the ack waits for the commit AND the flush (db.flushed). NATS JetStream: the ack waits for every
// PubAck; nats-server is then killed -9 and restarted too (acks survive a crash of the server process).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LmdbEventLog } from '../../src/storage/LmdbEventLog.js';
import { NatsEventLog } from '../../src/storage/NatsEventLog.js';
import { readEvents } from '../../src/storage/open.js';
import type { EventLog } from '../../src/storage/interfaces.js';
import { record } from './report.js';
import { faultsSkipReason, NATS_PORT, OwnServer } from './servers.js';
import { newStreamStats, startFaultService, streamEvents } from './service.js';

const PORT = 18160;

async function idsIn(log: EventLog): Promise<{ ids: Set<string>; messages: number }> {
  const ids = new Set<string>();
  let messages = 0;
  for await (const page of readEvents(log, 5000)) {
    for (const e of page) ids.add(e.eventId);
    messages += page.length;
  }
  return { ids, messages };
}

/** Streams events at a fresh service, kills it -9 once `ackedBeforeKill` events were acked, returns the stats. */
async function streamAndKill(eventsUrl: string, ackedBeforeKill: number) {
  const service = await startFaultService(PORT, eventsUrl, 'memory://');
  const stats = newStreamStats();
  let killed = false;
  const streaming = streamEvents(service.url, () => killed, stats);
  while (stats.acked.size < ackedBeforeKill) await new Promise((r) => setTimeout(r, 10));
  await service.kill9(); // mid-stream: batches are in flight
  killed = true;
  await streaming;
  return stats;
}

function missing(acked: Set<string>, found: Set<string>): string[] {
  return [...acked].filter((id) => !found.has(id));
}

test('kill -9 of the service (LMDB event log): every acknowledged event is in the log', { skip: faultsSkipReason() }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-kill9-lmdb-'));
  try {
    const url = `lmdb://${path.join(dir, 'events')}`;
    const stats = await streamAndKill(url, 5000);
    const log = LmdbEventLog.open(path.join(dir, 'events'));
    const { ids, messages } = await idsIn(log);
    await log.close();
    const lost = missing(stats.acked, ids);
    record({ fault: 'kill -9 service, LMDB log', sent: stats.sent, acknowledged: stats.acked.size, found: stats.acked.size - lost.length, inLog: messages, lost: lost.length });
    assert.equal(lost.length, 0, `acknowledged but lost: ${lost.slice(0, 5).join(', ')}`);
    assert.equal(messages, ids.size, 'no event twice');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 of the service, then of nats-server (JetStream): every acknowledged event is in the stream', { skip: faultsSkipReason(['nats-server']) }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-kill9-nats-'));
  const nats = OwnServer.nats(path.join(dir, 'js'));
  await nats.start();
  try {
    const stream = `SEC_KILL9_${Date.now()}`;
    const stats = await streamAndKill(`nats://127.0.0.1:${NATS_PORT}/${stream}`, 3000);
    await nats.kill9();
    await nats.start();
    const log = await NatsEventLog.open(`127.0.0.1:${NATS_PORT}`, stream);
    const { ids, messages } = await idsIn(log);
    await log.close();
    const lost = missing(stats.acked, ids);
    record({ fault: 'kill -9 service, then kill -9 nats-server (JetStream log)', sent: stats.sent, acknowledged: stats.acked.size, found: stats.acked.size - lost.length, inLog: messages, lost: lost.length });
    assert.equal(lost.length, 0, `acknowledged but lost: ${lost.slice(0, 5).join(', ')}`);
    assert.equal(messages, ids.size, 'no event twice');
  } finally {
    await nats.kill9();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
