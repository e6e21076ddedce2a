// Streaming JSON-lines reader: the file is read as a stream of 1 MiB chunks (never whole), split into lines, and each
// non-blank line parsed on its own, so a bad line is reported by number and its neighbours still read.
import fs from 'node:fs';
import { Errors } from '../../domain/errors.js';

export interface RowSink {
  /** A parsed row (a JSON value, or a CSV row turned into the same object shape) and its 1-based line number. */
  row(raw: unknown, line: number): void;
  /** A row that could not be read at all (not JSON, a CSV quoting error). */
  bad(line: number, field: string, reason: string): void;
  /** Bytes of the file consumed so far (for the progress bar). */
  bytes?(done: number): void;
}

/**
 * Calls `onLine(text, lineNo)` for every line of `file` (terminator and a trailing \r stripped), chunk by chunk.
 * Lines are found in the bytes (a UTF-8 newline byte is never part of another character) and decoded one by one.
 */
export async function forEachLineAsync(file: string, onLine: (line: string, lineNo: number) => void, onBytes?: (done: number) => void): Promise<void> {
  let stream: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  } catch (e) {
    throw Errors.importRow(file, 0, `cannot open: ${(e as Error).message}`);
  }
  let carry: Buffer | null = null;
  let lineNo = 0;
  let done = 0;
  const emit = (b: Buffer, start: number, end: number): void => {
    if (end > start && b[end - 1] === 13) end--;
    onLine(b.toString('utf8', start, end), ++lineNo);
  };
  for await (const chunk of stream) {
    const c = chunk as Buffer;
    done += c.length;
    const b: Buffer = carry === null ? c : Buffer.concat([carry, c]);
    let start = 0;
    for (let nl = b.indexOf(10); nl >= 0; nl = b.indexOf(10, start)) {
      emit(b, start, nl);
      start = nl + 1;
    }
    carry = start < b.length ? Buffer.from(b.subarray(start)) : null;
    onBytes?.(done);
  }
  if (carry !== null) emit(carry, 0, carry.length);
}

/** Reads a JSON-lines file: one JSON value a line; blank lines are skipped; a line that is not JSON is a bad row. */
export async function readJsonLines(file: string, sink: RowSink): Promise<void> {
  await forEachLineAsync(
    file,
    (line, lineNo) => {
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // byte-order mark
      if (line.trim().length === 0) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        sink.bad(lineNo, 'line', `is not valid JSON (${(e as Error).message})`);
        return;
      }
      sink.row(raw, lineNo);
    },
    sink.bytes ? (d) => sink.bytes!(d) : undefined,
  );
}
