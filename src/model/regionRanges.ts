// Offsets of a process's mapping region (src/model/mappedFile.ts) handed out and taken back.
/**
 * First-fit ranges of the region (hand-written: a dozen lines, and no allocator package manages offsets of a
 * caller's address range). Sorted, disjoint free ranges; freeing merges neighbours.
 */
export class RegionRanges {
  private free: { start: number; end: number }[];

  constructor(readonly size: number) {
    this.free = [{ start: 0, end: size }];
  }

  /** The start of `bytes` free bytes, now taken; null when no free range is that long. */
  take(bytes: number): number | null {
    const i = this.free.findIndex((r) => r.end - r.start >= bytes);
    if (i < 0) return null;
    const r = this.free[i]!;
    const start = r.start;
    r.start += bytes;
    if (r.start === r.end) this.free.splice(i, 1);
    return start;
  }

  /** Gives back a range that take() returned. */
  give(start: number, bytes: number): void {
    let i = 0;
    while (i < this.free.length && this.free[i]!.start < start) i++;
    this.free.splice(i, 0, { start, end: start + bytes });
    for (let k = Math.max(0, i - 1); k + 1 < this.free.length; ) {
      if (this.free[k]!.end === this.free[k + 1]!.start) {
        this.free[k]!.end = this.free[k + 1]!.end;
        this.free.splice(k + 1, 1);
      } else k++;
    }
  }

  /** Free bytes in all. */
  freeBytes(): number {
    return this.free.reduce((sum, r) => sum + r.end - r.start, 0);
  }
}

