import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrackId, parseAlbumId, parseArtistId, trackId } from '../src/domain/ids.js';

test('track ids round-trip and malformed ids are refused', () => {
  assert.equal(parseTrackId(trackId(8_199_999)), 8_199_999);
  assert.equal(parseTrackId('t0'), 0);
  for (const bad of ['', 't', 'x1', 't01', 't-1', 't1.5', 't99999999999', 'T1']) assert.equal(parseTrackId(bad), null, bad);
  assert.equal(parseAlbumId('al7'), 7);
  assert.equal(parseArtistId('al7'), null);
});
