// Importer for MovieLens 100K: u.data (tab-separated user, item, rating, unix seconds) and u.item
// (pipe-separated, latin1: id | title | release date | video release | IMDb URL | 19 genre flags).
// Items keep u.item's order (item 1 -> t0), listeners ascending by numeric id (user 1 -> u0).
import path from 'node:path';
import { Errors } from '../../domain/errors.js';
import type { Interactions } from './delimited.js';
import { Growable, forEachLine } from './lines.js';

export const MOVIELENS_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

/** Per-item metadata an importer may supply; absent fields get defaults in the written catalog. */
export interface ItemMetadata {
  readonly titles: readonly string[];
  /** Days since 1970-01-01; 0 when unknown. */
  readonly releaseDay: Int32Array;
  /** Genre id per item (index into genreNames). */
  readonly genre: Uint16Array;
  readonly genreNames: readonly string[];
  /** items x featureNames.length, row-major. */
  readonly features: Float32Array;
  readonly featureNames: readonly string[];
}

export interface ImportedData {
  readonly source: 'delimited' | 'movielens';
  readonly interactions: Interactions;
  readonly items: ItemMetadata | null;
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** "01-Jan-1995" -> days since epoch; '' -> 0; anything else -> NaN. */
export function parseMovieLensDate(s: string): number {
  if (s.length === 0) return 0;
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  const month = m ? MONTHS[m[2]!.toLowerCase()] : undefined;
  if (!m || month === undefined) return NaN;
  return Math.floor(Date.UTC(Number(m[3]), month, Number(m[1])) / 86_400_000);
}

export function readMovieLens(dir: string): ImportedData {
  const itemFile = path.join(dir, 'u.item');
  const dataFile = path.join(dir, 'u.data');
  const G = MOVIELENS_GENRES.length;
  const itemIds: string[] = [];
  const titles: string[] = [];
  const release = new Growable((n) => new Int32Array(n));
  const genre: number[] = [];
  const flags: number[] = [];
  const itemIndex = new Map<string, number>();
  forEachLine(itemFile, 'latin1', (line, lineNo) => {
    if (line.length === 0) return;
    const cells = line.split('|');
    if (cells.length !== 5 + G) throw Errors.importRow(itemFile, lineNo, `expected ${5 + G} fields, found ${cells.length}`);
    const id = cells[0]!;
    if (!/^\d+$/.test(id)) throw Errors.importRow(itemFile, lineNo, `item id "${id}" is not a positive integer`);
    if (itemIndex.has(id)) throw Errors.importRow(itemFile, lineNo, `duplicate item id ${id}`);
    const day = parseMovieLensDate(cells[2]!);
    if (Number.isNaN(day)) throw Errors.importRow(itemFile, lineNo, `release date "${cells[2]}" is not dd-Mon-yyyy`);
    let first = -1;
    for (let g = 0; g < G; g++) {
      const f = cells[5 + g];
      if (f !== '0' && f !== '1') throw Errors.importRow(itemFile, lineNo, `genre flag ${g + 1} is "${f}", expected 0 or 1`);
      flags.push(f === '1' ? 1 : 0);
      if (f === '1' && first < 0) first = g;
    }
    itemIndex.set(id, itemIds.length);
    itemIds.push(id);
    titles.push(cells[1]!);
    release.push(day);
    genre.push(first < 0 ? 0 : first);
  });
  if (itemIds.length === 0) throw Errors.importRow(itemFile, 1, 'no items');

  const rawUser = new Growable((n) => new Int32Array(n));
  const item = new Growable((n) => new Int32Array(n));
  const weight = new Growable((n) => new Float32Array(n));
  const ts = new Growable((n) => new Float64Array(n));
  forEachLine(dataFile, 'latin1', (line, lineNo) => {
    if (line.trim().length === 0) return;
    const cells = line.split('\t');
    if (cells.length !== 4) throw Errors.importRow(dataFile, lineNo, `expected 4 tab-separated fields (user item rating timestamp), found ${cells.length}`);
    const [u, it, r, t] = cells as [string, string, string, string];
    if (!/^\d+$/.test(u)) throw Errors.importRow(dataFile, lineNo, `user id "${u}" is not a positive integer`);
    const ii = itemIndex.get(it);
    if (ii === undefined) throw Errors.importRow(dataFile, lineNo, `item ${it} is not in u.item`);
    const rating = Number(r);
    if (r.length === 0 || !Number.isFinite(rating)) throw Errors.importRow(dataFile, lineNo, `rating "${r}" is not a number`);
    const sec = Number(t);
    if (!/^\d+$/.test(t) || !Number.isFinite(sec)) throw Errors.importRow(dataFile, lineNo, `timestamp "${t}" is not unix seconds`);
    rawUser.push(Number(u));
    item.push(ii);
    weight.push(rating);
    ts.push(sec * 1000);
  });
  const raw = rawUser.toArray();
  if (raw.length === 0) throw Errors.importRow(dataFile, 1, 'no ratings');
  const distinct = Int32Array.from(new Set(raw)).sort();
  const userIndex = new Map<number, number>();
  distinct.forEach((id, i) => userIndex.set(id, i));
  const user = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) user[i] = userIndex.get(raw[i]!)!;

  return {
    source: 'movielens',
    interactions: {
      userIds: Array.from(distinct, (id) => String(id)),
      itemIds,
      user,
      item: item.toArray(),
      weight: weight.toArray(),
      timestampMs: ts.toArray(),
    },
    items: {
      titles,
      releaseDay: release.toArray(),
      genre: Uint16Array.from(genre),
      genreNames: [...MOVIELENS_GENRES],
      features: Float32Array.from(flags),
      featureNames: MOVIELENS_GENRES.map((g) => `genre:${g}`),
    },
  };
}
