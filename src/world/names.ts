// Deterministic display names (artists, albums, tracks) assembled from word lists as UTF-8 bytes, so that
// naming 8.2M tracks creates no JS string per track.
import type { Rng } from './rng.js';
import type { StringTableWriter } from './format.js';

const enc = (words: readonly string[]): Uint8Array[] => words.map((w) => Buffer.from(w, 'utf8'));

const SYLLABLES = enc(['ka', 'lo', 'mi', 'ra', 'ven', 'sol', 'dra', 'ne', 'zu', 'ta', 'mo', 'ri', 'el', 'an', 'vo', 'li', 'sa', 'ko', 'ju', 'na', 'bel', 'or', 'is', 'fa', 'ty', 'mar', 'que', 'ño', 'lé', 'ström']);
const ARTIST_PREFIX = enc(['The ', 'DJ ', 'Lil ', 'MC ', 'Los ', 'Die ', 'Les ']);
const ARTIST_SUFFIX = enc([' Band', ' Collective', ' Trio', ' & The Echoes', ' Orchestra', ' Quartet', ' Crew', ' Project']);
const WORDS = enc([
  'Midnight', 'Summer', 'Heart', 'Fire', 'River', 'Golden', 'Silent', 'Electric', 'Blue', 'Neon', 'Velvet', 'Wild',
  'Stars', 'Echo', 'Dream', 'Rain', 'City', 'Lights', 'Ocean', 'Shadow', 'Paper', 'Glass', 'Ghost', 'Honey',
  'Thunder', 'Sunset', 'Highway', 'Diamond', 'Garden', 'Mirror', 'Storm', 'Winter', 'Fever', 'Moon', 'Rose',
  'Love', 'Run', 'Dance', 'Falling', 'Home', 'Tonight', 'Forever', 'Lost', 'Young', 'Gravity', 'Satellite',
  'Corazón', 'Noche', 'Sakura', 'Saudade', 'Amor', 'Hikari', 'Dil', 'Sehnsucht', 'Été', 'Kaze', 'Baila', 'Sonho',
]);
const SPACE = enc([' '])[0]!;
const ALBUM_TAIL = enc([' (Deluxe)', ' EP', ' Vol. 1', ' Vol. 2', ' (Live)', ' Sessions', ' (Remastered)']);
const TRACK_TAIL = enc([' (Remix)', ' (Acoustic)', ' - Radio Edit', ' (feat. Friends)', ' (Live)', ' Part II']);
const DIGITS = enc(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function pick(rng: Rng, list: readonly Uint8Array[]): Uint8Array {
  return list[rng.int(list.length)]!;
}

function capitalizedWord(rng: Rng, out: StringTableWriter): void {
  const syl = 2 + rng.int(2);
  for (let s = 0; s < syl; s++) {
    const b = pick(rng, SYLLABLES);
    if (s === 0) {
      // capitalise the first ASCII letter of the word
      const first = b[0]!;
      out.appendBytes(first >= 97 && first <= 122 ? Uint8Array.of(first - 32) : b.subarray(0, 1));
      out.appendBytes(b.subarray(1));
    } else out.appendBytes(b);
  }
}

export function writeArtistName(rng: Rng, out: StringTableWriter): void {
  const r = rng.next();
  if (r < 0.15) out.appendBytes(pick(rng, ARTIST_PREFIX));
  capitalizedWord(rng, out);
  if (r > 0.45) {
    out.appendBytes(SPACE);
    capitalizedWord(rng, out);
  }
  if (r > 0.9) out.appendBytes(pick(rng, ARTIST_SUFFIX));
  out.end();
}

function words(rng: Rng, out: StringTableWriter, n: number): void {
  for (let i = 0; i < n; i++) {
    if (i > 0) out.appendBytes(SPACE);
    out.appendBytes(pick(rng, WORDS));
  }
}

export function writeAlbumTitle(rng: Rng, out: StringTableWriter): void {
  words(rng, out, 1 + rng.int(3));
  if (rng.chance(0.12)) out.appendBytes(pick(rng, ALBUM_TAIL));
  out.end();
}

export function writeTrackTitle(rng: Rng, out: StringTableWriter): void {
  words(rng, out, 1 + rng.int(3));
  const r = rng.next();
  if (r < 0.08) out.appendBytes(pick(rng, TRACK_TAIL));
  else if (r < 0.1) {
    out.appendBytes(SPACE);
    out.appendBytes(pick(rng, DIGITS));
    out.appendBytes(pick(rng, DIGITS));
  }
  out.end();
}
