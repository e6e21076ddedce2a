// How much of this process's mapped files (the model bundle and the world) is resident, and how much of that the
// kernel maps with 2 MiB pages (native/common/huge_mapping.h says why it matters for the feed's latency), as
// Prometheus gauges: an operator sees whether huge pages are in effect (0 huge bytes: transparent huge pages off,
// ENCORE_HUGE_PAGES=0, or a file system that caches files in small folios). Read from /proc/self/smaps_rollup;
// where it does not exist (not Linux) the gauges are not registered.
import fs from 'node:fs';
import { Gauge, type Registry } from 'prom-client';

const ROLLUP = '/proc/self/smaps_rollup';
/**
 * Reading the rollup walks the process's page tables in the kernel (~16 ms at 8.2M tracks, measured 2026-12-04),
 * on a libuv thread, not the event loop; a scrape reuses a reading this recent.
 */
const REUSE_MS = 10_000;

export interface MappedFileBytes {
  /** Resident file-backed pages: Rss - Anonymous. */
  readonly resident: number;
  /** Of those, the bytes mapped with 2 MiB entries (FilePmdMapped). */
  readonly huge: number;
}

/** The figures of one smaps_rollup text (kB fields); null when it lacks Rss. */
export function parseSmapsRollup(text: string): MappedFileBytes | null {
  const kb = (field: string): number | null => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const rss = kb('Rss');
  if (rss === null) return null;
  return { resident: Math.max(0, rss - (kb('Anonymous') ?? 0)), huge: kb('FilePmdMapped') ?? 0 };
}

/** Registers encore_mapped_file_resident_bytes and encore_mapped_file_huge_bytes (once per registry). */
export function registerMappedMemoryMetrics(registry: Registry): void {
  if (!fs.existsSync(ROLLUP) || registry.getSingleMetric('encore_mapped_file_resident_bytes') !== undefined) return;
  let last: { at: number; bytes: MappedFileBytes | null } | null = null;
  const reading = async (): Promise<MappedFileBytes | null> => {
    if (last === null || Date.now() - last.at > REUSE_MS) {
      let bytes: MappedFileBytes | null = null;
      try {
        bytes = parseSmapsRollup(await fs.promises.readFile(ROLLUP, 'utf8'));
      } catch {
        // unreadable here (a sandbox): no figures this scrape
      }
      last = { at: Date.now(), bytes };
    }
    return last.bytes;
  };
  const gauge = (name: string, help: string, pick: (b: MappedFileBytes) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const bytes = await reading();
        if (bytes) this.set(pick(bytes));
      },
    });
  };
  gauge('encore_mapped_file_resident_bytes', 'Resident file-backed memory of this process (Rss - Anonymous: the mapped model and world files, shared with the other workers)', (b) => b.resident);
  gauge('encore_mapped_file_huge_bytes', 'Of the resident file-backed memory, the bytes the kernel maps with 2 MiB pages (FilePmdMapped)', (b) => b.huge);
}
