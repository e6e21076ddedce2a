// Synchronous line reader over a file of any size (1 MiB chunks; a single JS string is capped near 512 MiB, so a
// large import cannot be read whole). StringDecoder keeps multi-byte characters split across chunks intact.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Errors } from '../../domain/errors.js';

/** Calls onLine(text, lineNumber) for every line (1-based, without the line terminator, \r stripped). */
export function forEachLine(file: string, encoding: 'utf8' | 'latin1', onLine: (line: string, lineNo: number) => void): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw Errors.importRow(file, 0, `cannot open: ${(e as Error).message}`);
  }
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    const decoder = new StringDecoder(encoding);
    let carry = '';
    let lineNo = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      const text = carry + (n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end());
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        onLine(text.slice(start, end), ++lineNo);
        start = nl + 1;
      }
      carry = text.slice(start);
      if (n === 0) break;
    }
    if (carry.length > 0) onLine(carry.endsWith('\r') ? carry.slice(0, -1) : carry, ++lineNo);
  } finally {
    fs.closeSync(fd);
  }
}

/** A growable typed array (doubling), for row counts unknown in advance. */
export class Growable<A extends Int32Array | Float32Array | Float64Array> {
  private data: A;
  length = 0;
  constructor(private readonly make: (n: number) => A) {
    this.data = make(1024);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** A trimmed copy. */
  toArray(): A {
    return this.data.slice(0, this.length) as A;
  }
}
