// Importer for a generic delimited interactions file with a header row naming the columns
// `user`, `item`, `weight` and optionally `timestamp` (any order, extra columns ignored).
import { Errors } from '../../domain/errors.js';
import { Growable, forEachLine } from './lines.js';

export interface Interactions {
  readonly userIds: string[];
  readonly itemIds: string[];
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly weight: Float32Array;
  /** ms since epoch, or null when the file has no timestamp column. */
  readonly timestampMs: Float64Array | null;
}

export interface DelimitedOptions {
  /** Column delimiter; detected from the header (tab, comma, semicolon, pipe) when absent. */
  readonly delimiter?: string;
  readonly encoding?: 'utf8' | 'latin1';
  /** Whether the file has a header row (default true). Without one, columns are user, item, weight[, timestamp]. */
  readonly header?: boolean;
  /** Column names to use when header is false. */
  readonly columns?: readonly string[];
}

const DELIMITERS = ['\t', ',', ';', '|'];

function detectDelimiter(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const c = header.split(d).length - 1;
    if (c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

/**
 * Parses a timestamp cell: a number is seconds since epoch when below 1e11 (i.e. before year 5138 in seconds),
 * otherwise milliseconds; anything else must be a date Date.parse understands (ISO 8601).
 */
export function parseTimestamp(cell: string): number {
  const s = cell.trim();
  if (s.length === 0) return NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  return Date.parse(s);
}

/** Reads a delimited interactions file; throws ENC_IMPORT_ROW naming file, line and problem on a malformed row. */
export function readInteractionsFile(file: string, opts: DelimitedOptions = {}): Interactions {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const userIds: string[] = [];
  const itemIds: string[] = [];
  const user = new Growable((n) => new Int32Array(n));
  const item = new Growable((n) => new Int32Array(n));
  const weight = new Growable((n) => new Float32Array(n));
  const ts = new Growable((n) => new Float64Array(n));
  let delimiter = opts.delimiter ?? '';
  let cols: { user: number; item: number; weight: number; timestamp: number; count: number } | null = null;
  const useHeader = opts.header ?? true;

  const setColumns = (names: readonly string[], lineNo: number): void => {
    const lower = names.map((n) => n.trim().toLowerCase());
    const find = (n: string): number => lower.indexOf(n);
    for (const required of ['user', 'item', 'weight']) {
      if (find(required) < 0) throw Errors.importRow(file, lineNo, `header has no "${required}" column (columns: ${lower.join(', ')})`);
    }
    cols = { user: find('user'), item: find('item'), weight: find('weight'), timestamp: find('timestamp'), count: names.length };
  };
  if (!useHeader) setColumns(opts.columns ?? ['user', 'item', 'weight'], 0);

  forEachLine(file, opts.encoding ?? 'utf8', (line, lineNo) => {
    if (cols === null) {
      if (line.trim().length === 0) throw Errors.importRow(file, lineNo, 'empty header row');
      if (delimiter === '') delimiter = detectDelimiter(line);
      setColumns(line.split(delimiter), lineNo);
      return;
    }
    if (line.trim().length === 0) return; // blank lines (e.g. a trailing newline) carry no row
    if (delimiter === '') delimiter = detectDelimiter(line);
    const c: { user: number; item: number; weight: number; timestamp: number; count: number } = cols;
    const cells = line.split(delimiter);
    if (cells.length !== c.count) throw Errors.importRow(file, lineNo, `expected ${c.count} columns, found ${cells.length}`);
    const u = cells[c.user]!.trim();
    const it = cells[c.item]!.trim();
    if (u.length === 0) throw Errors.importRow(file, lineNo, 'empty user id');
    if (it.length === 0) throw Errors.importRow(file, lineNo, 'empty item id');
    const wCell = cells[c.weight]!.trim();
    const w = wCell.length === 0 ? NaN : Number(wCell);
    if (!Number.isFinite(w)) throw Errors.importRow(file, lineNo, `weight "${wCell}" is not a number`);
    if (c.timestamp >= 0) {
      const t = parseTimestamp(cells[c.timestamp]!);
      if (!Number.isFinite(t)) throw Errors.importRow(file, lineNo, `timestamp "${cells[c.timestamp]!.trim()}" is neither a number nor a date`);
      ts.push(t);
    }
    let ui = userIndex.get(u);
    if (ui === undefined) {
      ui = userIds.length;
      userIndex.set(u, ui);
      userIds.push(u);
    }
    let ii = itemIndex.get(it);
    if (ii === undefined) {
      ii = itemIds.length;
      itemIndex.set(it, ii);
      itemIds.push(it);
    }
    user.push(ui);
    item.push(ii);
    weight.push(w);
  });
  if (cols === null) throw Errors.importRow(file, 1, 'empty file: no header row');
  const hasTs = (cols as { timestamp: number }).timestamp >= 0;
  return { userIds, itemIds, user: user.toArray(), item: item.toArray(), weight: weight.toArray(), timestampMs: hasTs ? ts.toArray() : null };
}
