// The closed loop end to end on a small world: the simulator starts `encore serve` itself, listeners ask it for
// feeds over HTTP, every event reaches its event log, and a retrain between days is swapped in live.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorld } from '../../src/world/World.js';
import { runSimulation, type SimOptions } from '../../src/sim/runSimulation.js';
import { readAllEvents } from '../../src/storage/open.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-sim-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('simulate: two days of Encore with a live swap, then random; Encore serves what listeners like better', async () => {
  const world = path.join(root, 'world');
  await generateWorld({ tracks: 3000, users: 300, seed: 8, out: world });
  const base: SimOptions = { world, days: 2, listeners: 40, policy: 'encore', url: null, bundles: null, eventsLog: null, out: path.join(root, 'enc'), seed: 1, port: 18321, apiKey: null, retrain: true, concurrency: 4, experiment: null, log: () => undefined };
  const enc = await runSimulation(base, 'test');
  assert.equal(enc.perDay.length, 2);
  assert.notEqual(enc.perDay[0]!.modelVersion, enc.perDay[1]!.modelVersion, 'the retrained bundle was swapped in');
  let impressions = 0;
  let plays = 0;
  for await (const page of readAllEvents(`lmdb://${path.join(root, 'enc', 'events')}`)) {
    for (const e of page) {
      if (e.type === 'impression') impressions++;
      if (e.type === 'play_start') plays++;
    }
  }
  const d = enc.perDay;
  assert.equal(plays, Math.round(d.reduce((s, x) => s + x.sessionLength * x.sessions, 0)), 'every play reached POST /v1/events');
  assert.ok(impressions >= plays);
  const rnd = await runSimulation({ ...base, policy: 'random', days: 1, bundles: path.join(root, 'enc', 'bundles'), out: path.join(root, 'rnd'), port: 18322 }, 'test');
  assert.ok(d[0]!.meanAppeal > rnd.perDay[0]!.meanAppeal, `encore appeal ${d[0]!.meanAppeal} vs random ${rnd.perDay[0]!.meanAppeal}`);
  for (const x of [...d, ...rnd.perDay]) assert.ok(x.completionRate > 0 && x.completionRate < 1);
});
