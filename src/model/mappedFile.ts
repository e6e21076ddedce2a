// Memory-mapped files (native/mmap, built by `npm install`): a bundle's large arrays are mapped, not read, so
// the service's worker processes share one copy of the model in the OS page cache and a new bundle "loads"
// without copying gigabytes. When the addon is not built (or ENCORE_MMAP=0), callers read files instead.
import fs from 'node:fs';
import path from 'node:path';
import { optionalAddon } from './optionalAddon.js';
import { RegionRanges } from './regionRanges.js';

interface MmapAddon {
  mapFile(path: string): ArrayBuffer;
  reserve(bytes: number): ArrayBuffer;
  mapInto(region: ArrayBuffer, offset: number, capacity: number, paths: readonly string[]): { offsets: number[]; sizes: number[] };
  release(region: ArrayBuffer, offset: number, length: number): void;
  cacheInHugePages(path: string): void;
  /** Where mapInto starts each file (2 MiB, so the kernel can map it with huge pages: native/common/huge_mapping.h). */
  readonly mapAlignment: number;
}

const addon = optionalAddon<MmapAddon>('mmap', 'encore_mmap', 'ENCORE_MMAP');

/** True when files can be memory-mapped in this process. */
export const mmapAvailable = addon !== null;

/** The whole file as a copy-on-write mapping (pages shared until written), or null without the addon. */
export function mapFile(file: string): ArrayBuffer | null {
  return addon ? addon.mapFile(file) : null;
}

/**
 * Reads the file into the page cache in 2 MiB folios (dropping its unmapped cached pages first), so that later
 * mappings of it use huge pages; a no-op without the addon. One read of the file from disk: for its first
 * verification on a machine (src/model/sha256Worker.ts), never on the event loop. True when the file was read
 * that way (the addon is built and huge pages are not turned off).
 */
export function cacheInHugePages(file: string): boolean {
  if (addon === null || process.env.ENCORE_HUGE_PAGES === '0') return false; // (the addon would do nothing either)
  addon.cacheInHugePages(file);
  return true;
}

/** Files at least this large are mapped when possible (smaller ones are cheaper to read). */
export const MAP_AT_LEAST = 1 << 20;

/** Files of one directory mapped together, by name. */
export interface MappedFiles {
  /** The file's bytes (a view of the shared mapping), or undefined when it was not mapped here. */
  view(name: string): Uint8Array | undefined;
  /** Lets the files' pages go (their views then read zeros), over a few event-loop turns; for when nothing uses the views any more. */
  release(): void;
}

/**
 * Address space of one region (virtual only: no memory until mapped): the largest external buffer Node 20
 * creates (4 GiB). A process opens another region when none has room, so a swap at full scale (two bundles'
 * 1.3 GB of mapped arrays) fits in the first.
 */
const REGION_BYTES = 2 ** 32;

/** Bytes of a released range given up per event-loop turn (see MappedFiles.release). */
const RELEASE_STEP_BYTES = 64 * 2 ** 20;

const regions: { buffer: ArrayBuffer; ranges: RegionRanges }[] = [];

/** A region with `bytes` free and where they start, opening a new region when none has room. */
function placeIn(bytes: number, mm: MmapAddon): { region: { buffer: ArrayBuffer; ranges: RegionRanges }; offset: number } | null {
  if (bytes > REGION_BYTES) return null;
  for (const region of regions) {
    const offset = region.ranges.take(bytes);
    if (offset !== null) return { region, offset };
  }
  const region = { buffer: mm.reserve(REGION_BYTES), ranges: new RegionRanges(REGION_BYTES) };
  regions.push(region);
  return { region, offset: region.ranges.take(bytes)! };
}

/**
 * The named files of `dir` mapped side by side into one of this process's regions (native/mmap reserve/mapInto),
 * or null without the addon or when they exceed a region (callers then map each file on its own). Regions are
 * created once and serve every bundle after: V8 starts a garbage collection whenever creating a buffer lifts its
 * external-memory count far enough, so a bundle mapped file by file set off a dozen collections in every serving
 * process during a live swap, and even one buffer per bundle one each, at the same instant in all of them
 * (native/mmap/mmap.c says why the count cannot simply be kept down).
 */
export function mapTogether(dir: string, names: readonly string[]): MappedFiles | null {
  // Nothing to map (a small bundle, every file read): no region is reserved for it.
  if (addon === null || names.length === 0) return null;
  const step = addon.mapAlignment;
  let capacity = 0;
  for (const n of names) capacity += Math.ceil(fs.statSync(path.join(dir, n)).size / step) * step;
  const place = placeIn(capacity, addon);
  if (place === null) return null;
  const { offset } = place;
  const { buffer, ranges } = place.region;
  let placed: { offsets: number[]; sizes: number[] };
  try {
    placed = addon.mapInto(buffer, offset, capacity, names.map((n) => path.join(dir, n)));
  } catch (e) {
    addon.release(buffer, offset, capacity);
    ranges.give(offset, capacity);
    throw e;
  }
  const at = new Map<string, Uint8Array>();
  names.forEach((n, i) => at.set(n, new Uint8Array(buffer, placed.offsets[i]!, placed.sizes[i]!)));
  let released = false;
  return {
    view: (name) => at.get(name),
    release() {
      if (released) return;
      released = true;
      at.clear();
      // In steps, one per turn of the event loop: tearing down the page tables of a bundle's touched pages takes
      // the calling thread ~50 ms per GB (measured: 60 ms for 1.18 GB), a stall for a serving process.
      let done = 0;
      const step = (): void => {
        const n = Math.min(RELEASE_STEP_BYTES, capacity - done);
        addon.release(buffer, offset + done, n);
        done += n;
        if (done < capacity) setImmediate(step);
        else ranges.give(offset, capacity);
      };
      step();
    },
  };
}
