// The items file of `encore offline --items FILE`: what an interaction file cannot say about its items, in the
// columns of the catalog CSV (csvReader.ts): `id` (required), `title`, `genres` (a `|` list) and one
// `feature:<name>` column per numeric content feature; other columns are ignored. Each distinct genre becomes a
// 0/1 content feature `genre:<name>` (an item may have several, as a MovieLens title does), ahead of the numeric
// ones. The training code reads them as feature listeners (src/training/featureListeners.ts) and cold-start input.
import fs from 'node:fs';
import { Errors } from '../../domain/errors.js';
import { CSV_LIST_SEPARATOR, FEATURE_COLUMN_PREFIX, forEachCsvRecord } from './csvReader.js';
import type { ItemsById } from './alignItems.js';

export async function readItemsFile(file: string): Promise<ItemsById> {
  if (!fs.existsSync(file)) throw Errors.badRequest(`items file ${file} not found`);
  let header = null as string[] | null;
  const ids: string[] = [];
  const titles: string[] = [];
  const genreLists: string[][] = [];
  const numeric: number[][] = [];
  let featureCols: { col: number; name: string }[] = [];
  let idCol = -1, titleCol = -1, genresCol = -1;
  const seen = new Set<string>();
  const bad: string[] = [];
  await forEachCsvRecord(
    file,
    (cells, line) => {
      if (header === null) {
        header = cells.map((c) => c.trim());
        idCol = header.indexOf('id');
        titleCol = header.indexOf('title');
        genresCol = header.indexOf('genres');
        featureCols = header.flatMap((h, col) => (h.startsWith(FEATURE_COLUMN_PREFIX) ? [{ col, name: h }] : []));
        if (idCol < 0) throw Errors.importRow(file, line, 'the header has no "id" column (expected id[,title][,genres][,feature:<name>...])');
        return;
      }
      const id = (cells[idCol] ?? '').trim();
      if (id.length === 0) throw Errors.importRow(file, line, 'empty id');
      if (seen.has(id)) throw Errors.importRow(file, line, `duplicate item id "${id}"`);
      seen.add(id);
      ids.push(id);
      titles.push(titleCol >= 0 ? (cells[titleCol] ?? '') : `item ${id}`);
      const g = genresCol >= 0 ? (cells[genresCol] ?? '') : '';
      genreLists.push(g.trim().length === 0 ? [] : g.split(CSV_LIST_SEPARATOR).map((x) => x.trim()).filter((x) => x.length > 0));
      numeric.push(
        featureCols.map(({ col, name }) => {
          const cell = (cells[col] ?? '').trim();
          const v = cell.length === 0 ? 0 : Number(cell);
          if (!Number.isFinite(v)) throw Errors.importRow(file, line, `${name} is "${cell}", not a number`);
          return v;
        }),
      );
    },
    (line, reason) => bad.push(`${file}:${line}: ${reason}`),
  );
  if (bad.length > 0) throw Errors.badRequest(`items file: ${bad.length} malformed record(s), first ${bad[0]}`);
  if (header === null) throw Errors.importRow(file, 1, 'empty file (expected a header: id[,title][,genres][,feature:<name>...])');
  const genreNames = [...new Set(genreLists.flat())].sort();
  const genreAt = new Map(genreNames.map((g, i) => [g, i]));
  const dim = genreNames.length + featureCols.length;
  const features = new Float32Array(ids.length * dim);
  const genre = new Uint16Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    for (const g of genreLists[i]!) features[i * dim + genreAt.get(g)!] = 1;
    features.set(numeric[i]!, i * dim + genreNames.length);
    // the catalog's one genre per item: its first listed (index 0 = "unknown" when it lists none)
    genre[i] = genreLists[i]!.length > 0 ? genreAt.get(genreLists[i]![0]!)! + 1 : 0;
  }
  return {
    ids,
    meta: {
      titles,
      releaseDay: new Int32Array(ids.length),
      genre,
      genreNames: ['unknown', ...genreNames],
      features,
      featureNames: [...genreNames.map((g) => `genre:${g}`), ...featureCols.map((c) => c.name.slice(FEATURE_COLUMN_PREFIX.length))],
    },
  };
}
