// Damaging files on purpose, for the tests that check a damaged file is refused.
import fs from 'node:fs';

/** Flips bits (`mask`, default the lowest) of byte `at` of the file, in place. */
export function flipBits(file: string, at: number, mask = 0x01): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] = b[0]! ^ mask;
    fs.writeSync(fd, b, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
}
