// MovieLens 100K through the JSONL path: u.item written as tracks.jsonl (one track object a line) and u.data as
// events.jsonl (one `complete` POST /v1/events object per rating), imported with `encore import --format jsonl`,
// gives the world of the MovieLens importer (`encore import --format movielens`) up to the listener order, ratings
// included (the event's optional `weight`): the same training data, so the same offline accuracy.
// Skipped when the dataset is absent (ENCORE_DATASETS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EventType } from '../../src/domain/events.js';
import { importCatalog } from '../../src/world/importers/catalogImport.js';
import { MOVIELENS_GENRES, parseMovieLensDate, readMovieLens } from '../../src/world/importers/movielens.js';
import { writeImportedWorld } from '../../src/world/importers/writeImportedWorld.js';
import { openWorld, type World } from '../../src/world/World.js';
import { datasetsDir, tempDir } from './helpers.js';

const ml = datasetsDir() !== null && fs.existsSync(path.join(datasetsDir()!, 'ml-100k', 'u.data')) ? path.join(datasetsDir()!, 'ml-100k') : null;

/** Writes u.item / u.data as the two JSONL files an app would export. */
function writeJsonl(mlDir: string, dir: string): { tracks: string; events: string } {
  const tracks = path.join(dir, 'tracks.jsonl');
  const events = path.join(dir, 'events.jsonl');
  const out: string[] = [];
  for (const line of fs.readFileSync(path.join(mlDir, 'u.item'), 'latin1').split('\n')) {
    if (line.length === 0) continue;
    const c = line.split('|');
    const id = c[0]!;
    const day = parseMovieLensDate(c[2]!);
    const flags = c.slice(5).map(Number);
    const features = Object.fromEntries(MOVIELENS_GENRES.map((g, i) => [`genre:${g}`, flags[i]!]));
    out.push(JSON.stringify({
      id,
      title: c[1],
      artist: { id, name: 'unknown artist' }, // the data names no artist: one per item, as the MovieLens importer does
      album: { id, name: c[1] },
      genres: MOVIELENS_GENRES.filter((_, i) => flags[i] === 1),
      ...(day !== 0 ? { releaseDate: new Date(day * 86_400_000).toISOString().slice(0, 10) } : {}),
      features,
    }));
  }
  fs.writeFileSync(tracks, out.join('\n') + '\n');
  const ev: string[] = [];
  let n = 0;
  for (const line of fs.readFileSync(path.join(mlDir, 'u.data'), 'latin1').split('\n')) {
    if (line.length === 0) continue;
    const [u, i, r, t] = line.split('\t');
    ev.push(JSON.stringify({ eventId: `ml-${n++}`, type: 'complete', userId: u, trackId: i, timestamp: Number(t) * 1000, weight: Number(r) }));
  }
  fs.writeFileSync(events, ev.join('\n') + '\n');
  return { tracks, events };
}

/** Listener u's events as [track, ts, type, session - first session] rows. */
function eventsOf(w: World, u: number): number[][] {
  const e = w.events;
  const rows: number[][] = [];
  const lo = e.userStart[u]!, hi = e.userStart[u + 1]!;
  for (let i = lo; i < hi; i++) rows.push([e.track[i]!, e.timestampMs[i]!, e.type[i]!, e.session[i]! - e.session[lo]!, e.weight?.[i] ?? -1]);
  return rows;
}

test('MovieLens 100K through JSONL = the MovieLens importer\'s world, ratings included', { skip: ml === null ? 'MovieLens 100K not found (set ENCORE_DATASETS)' : false }, async () => {
  const dir = tempDir('mljsonl');
  try {
    const f = writeJsonl(ml!, dir);
    const s = await importCatalog({ format: 'jsonl', catalog: f.tracks, events: f.events, out: path.join(dir, 'jsonl') });
    assert.deepEqual(s.badRows, []);
    writeImportedWorld(readMovieLens(ml!), path.join(dir, 'movielens'));
    const j = openWorld(path.join(dir, 'jsonl'));
    const m = openWorld(path.join(dir, 'movielens'));
    const jc = j.catalog, mc = m.catalog;

    assert.equal(jc.trackCount, mc.trackCount);
    for (let t = 0; t < mc.trackCount; t++) {
      assert.equal(jc.trackIds.idAt(t), mc.trackIds.idAt(t));
      assert.equal(jc.trackTitle(t as never), mc.trackTitle(t as never));
      assert.equal(jc.albumTitle(t as never), mc.albumTitle(t as never));
      assert.equal(jc.artistName(t as never), mc.artistName(t as never));
      // genre names are case-insensitive (an import lower-cases them)
      assert.equal(jc.genres[jc.columns.genre[t]!]!.name, mc.genres[mc.columns.genre[t]!]!.name.toLowerCase());
    }
    for (const k of ['artist', 'album', 'albumArtist', 'releaseDay', 'durationMs', 'explicit', 'marketSet', 'popularity', 'features'] as const) {
      assert.deepEqual(jc.columns[k], mc.columns[k], k);
    }
    assert.deepEqual(jc.featureNames, mc.featureNames);
    assert.deepEqual(jc.markets, mc.markets);
    assert.deepEqual(jc.marketSets.words, mc.marketSets.words);

    // listeners: the same ids (first-seen order here, ascending there), the same events and sessions each
    assert.equal(j.users.count, m.users.count);
    assert.equal(j.events.count, m.events.count);
    assert.deepEqual(j.manifest.counts, m.manifest.counts);
    assert.equal(j.manifest.nowMs, m.manifest.nowMs);
    for (let ju = 0; ju < j.users.count; ju++) {
      const mu = m.users.ids.indexOf(j.users.ids.idAt(ju));
      assert.ok(mu >= 0);
      assert.equal(j.users.signupDay[ju], m.users.signupDay[mu]);
      assert.equal(j.users.market[ju], m.users.market[mu]);
      assert.equal(j.users.explicitOk[ju], m.users.explicitOk[mu]);
      assert.deepEqual(eventsOf(j, ju), eventsOf(m, mu));
    }
    assert.ok(j.events.type.every((t) => t === EventType.complete));
    // both weigh each complete by its rating (compared per listener above)
    assert.ok(j.events.weight !== null && m.events.weight !== null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
