// Writes one world file and computes its sha256 over the very bytes written (no second pass over the file),
// so every writer of a world (generator, importers) can list the file's size and checksum in the manifest.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const CHUNK = 1 << 26; // write at most 64 MiB per writeSync call

export interface WrittenFile {
  readonly bytes: number;
  readonly sha256: string;
}

export class HashingFileWriter {
  private readonly hash = createHash('sha256');
  private readonly fd: number;
  private written = 0;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
  }

  get bytes(): number {
    return this.written;
  }

  write(bytes: Uint8Array): void {
    this.hash.update(bytes);
    for (let off = 0; off < bytes.length; ) off += fs.writeSync(this.fd, bytes, off, Math.min(CHUNK, bytes.length - off));
    this.written += bytes.length;
  }

  close(): WrittenFile {
    fs.closeSync(this.fd);
    return { bytes: this.written, sha256: this.hash.digest('hex') };
  }

  /** Closes the file without a checksum (the write was aborted; the caller removes the directory). */
  abandon(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
