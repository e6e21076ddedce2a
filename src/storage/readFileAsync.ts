import { open } from 'node:fs/promises';

// Reading a bundle column with fs.readSync blocks the event loop for the whole file (about 5.5 s for the
// 2 GiB item factors of an 8.2M-track bundle on this machine), which a live swap cannot afford while
// serving. Reading in chunks through fs.promises runs each chunk on the libuv thread pool; the event loop
// keeps serving requests between chunks.

const CHUNK_BYTES = 1 << 24; // 16 MiB per read

/** Reads `file` into a new typed array of `ctor` without blocking the event loop. */
export async function readTypedArrayAsync<T extends Float32Array | Int32Array | Uint8Array | Float64Array>(
  file: string,
  ctor: { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
  expectedBytes?: number,
): Promise<T> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (expectedBytes !== undefined && size !== expectedBytes) throw new Error(`${file}: ${size} bytes on disk, expected ${expectedBytes}`);
    if (size % ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`${file}: ${size} bytes is not a whole number of ${ctor.BYTES_PER_ELEMENT}-byte values`);
    const buffer = new ArrayBuffer(size);
    const bytes = new Uint8Array(buffer);
    for (let off = 0; off < size; ) {
      const { bytesRead } = await handle.read(bytes, off, Math.min(CHUNK_BYTES, size - off), off);
      if (bytesRead === 0) throw new Error(`${file}: ended at ${off} of ${size} bytes`);
      off += bytesRead;
    }
    return new ctor(buffer);
  } finally {
    await handle.close();
  }
}
