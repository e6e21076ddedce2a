import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Catalog } from '../catalog/Catalog.js';
import { EncoreError, Errors } from '../domain/errors.js';
import type { Logger } from '../server/deps.js';
import type { BundleStore } from '../storage/interfaces.js';
import type { ModelBundle } from './ModelBundle.js';
import { collectReleasedMemory } from './releaseMemory.js';
import { mmapAvailable } from './mappedFile.js';
import { withPacedHashing } from './fileHash.js';
import { LoopDelayWindows } from './loopDelayWindows.js';

/**
 * Checksums of a new bundle loaded while serving are computed at most this fast (a quarter of what one core
 * hashes here): a 3 GB bundle is verified in ~12 s instead of ~3 s, without taking a core from the workers.
 */
export const SWAP_HASH_BYTES_PER_SECOND = 256 * 2 ** 20;

export interface BundleHolderOptions {
  /** Loads a bundle directory completely (src/model/loadBundle.ts); throws Errors.bundleRejected when bad. */
  readonly load: (dir: string) => Promise<ModelBundle>;
  readonly logger?: Logger;
  /** The serving catalog: a bundle that knows more tracks than the catalog is incompatible. */
  readonly catalog?: Catalog;
  /** Extra compatibility check: a reason to refuse, or null. */
  readonly validate?: (bundle: ModelBundle) => string | null;
  /**
   * After a swap, the old bundle is closed once every lease on it is released AND this long has passed
   * (covers readers that used `current()` without a lease). Default 5 s.
   */
  readonly graceMs?: number;
  /** Called after every swap (e.g. MutableCatalog.markCovered(bundle.trackCount)). */
  readonly onSwap?: (bundle: ModelBundle, previous: ModelBundle) => void;
}

/** A counted reference to a bundle: release it when the request is done. */
export interface BundleLease {
  readonly bundle: ModelBundle;
  release(): void;
}

export type ReloadResult =
  | { readonly kind: 'unchanged'; readonly version: string }
  | {
      readonly kind: 'swapped';
      readonly from: string;
      readonly to: string;
      readonly loadMs: number;
      readonly maxStallMs: number;
      /** The same measure over the last 5 s window before the load (null when the holder was not watching). */
      readonly baselineStallMs: number | null;
    }
  | { readonly kind: 'refused'; readonly version: string; readonly reason: string; readonly serving: string };

interface Held {
  readonly bundle: ModelBundle;
  refs: number;
  retiredAt: number; // 0 while serving
  closed: boolean;
}

/** Structural checks every bundle must pass before it may serve (cheap: sizes, a sample for NaN). */
export function checkBundle(b: ModelBundle, catalog?: Catalog): string | null {
  if (!(Number.isInteger(b.dim) && b.dim > 0)) return `dim ${b.dim} is not a positive integer`;
  if (b.itemVectors.count !== b.trackCount || b.itemVectors.dim !== b.dim) return `item vectors hold ${b.itemVectors.count} x ${b.itemVectors.dim}, expected ${b.trackCount} x ${b.dim}`;
  if (b.userFactors.length !== b.userCount * b.dim) return `user factors hold ${b.userFactors.length} values, expected ${b.userCount} x ${b.dim}`;
  if (b.gram.length !== b.dim * b.dim) return `gram holds ${b.gram.length} values, expected ${b.dim} x ${b.dim}`;
  if (b.index.dim !== b.dim) return `vector index has dim ${b.index.dim}, bundle has ${b.dim}`;
  if (catalog !== undefined && b.trackCount > catalog.trackCount) return `bundle knows ${b.trackCount} tracks, the catalog only ${catalog.trackCount} (built for another world?)`;
  const bad = b.itemVectors.firstNonFinite(4096);
  if (bad >= 0) return `item factor ${bad} is not finite`;
  return null;
}

/**
 * Holds the model bundle being served and swaps it live. `watch(store)` polls the bundle store for a
 * newer complete version, loads it fully in the background, checks it, and swaps the reference in one
 * assignment (requests that started on the old bundle finish on it). The old bundle is closed after its
 * leases are released and a grace period has passed. A corrupt, truncated or incompatible bundle is
 * refused with one clear log line and the service keeps the bundle it has.
 */
export class BundleHolder {
  private held: Held;
  private readonly retired = new Set<Held>();
  private readonly refused = new Map<string, string>();
  private reloading: Promise<ReloadResult> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly graceMs: number;
  private readonly loopDelay = new LoopDelayWindows();

  constructor(
    initial: ModelBundle,
    private readonly opts: BundleHolderOptions,
  ) {
    this.held = { bundle: initial, refs: 0, retiredAt: 0, closed: false };
    this.graceMs = opts.graceMs ?? 5000;
  }

  /**
   * Loads the newest version that passes the checks (a corrupt newest one is refused with a log line and
   * the next older one is tried); throws (coded) when there is no bundle or every one is refused.
   */
  static async open(store: BundleStore, opts: BundleHolderOptions): Promise<BundleHolder> {
    const versions = await store.versions();
    if (versions.length === 0) throw Errors.notReady('no model bundle yet (run `encore train`)');
    const refused = new Map<string, string>();
    for (let i = versions.length - 1; i >= 0; i--) {
      const version = versions[i]!;
      let bundle: ModelBundle;
      try {
        bundle = await opts.load(store.path(version));
      } catch (err) {
        refused.set(version, err instanceof Error ? err.message : String(err));
        opts.logger?.error({ version, reason: refused.get(version) }, `model bundle ${version} refused: ${refused.get(version)}`);
        continue;
      }
      const reason = bundle.version !== version ? `directory says version ${bundle.version}` : (checkBundle(bundle, opts.catalog) ?? opts.validate?.(bundle) ?? null);
      if (reason !== null) {
        bundle.close();
        refused.set(version, reason);
        opts.logger?.error({ version, reason }, `model bundle ${version} refused: ${reason}`);
        continue;
      }
      const holder = new BundleHolder(bundle, opts);
      for (const [v, r] of refused) holder.refused.set(v, r);
      return holder;
    }
    throw Errors.bundleRejected(`every bundle was refused: ${[...refused].map(([v, r]) => `${v}: ${r}`).join('; ')}`);
  }

  current(): ModelBundle {
    return this.held.bundle;
  }

  /** The current bundle, counted until `release()`: it will not be closed under a running request. */
  acquire(): BundleLease {
    const h = this.held;
    h.refs++;
    let released = false;
    return {
      bundle: h.bundle,
      release: () => {
        if (released) return;
        released = true;
        h.refs--;
        if (h.retiredAt !== 0) this.sweep();
      },
    };
  }

  /** Versions refused so far, with the reason (not retried until the store offers another version). */
  refusedVersions(): ReadonlyMap<string, string> {
    return this.refused;
  }

  /** Swaps to the store's current version if it is new; one reload at a time. */
  reload(store: BundleStore): Promise<ReloadResult> {
    if (this.reloading === null) {
      this.reloading = this.reloadOnce(store).finally(() => {
        this.reloading = null;
      });
    }
    return this.reloading;
  }

  private async reloadOnce(store: BundleStore): Promise<ReloadResult> {
    const serving = this.held.bundle.version;
    const version = await store.current();
    if (version === null || version === serving) return { kind: 'unchanged', version: serving };
    const known = this.refused.get(version);
    if (known !== undefined) return { kind: 'refused', version, reason: known, serving };
    const started = performance.now();
    const baselineStallMs = this.loopDelay.lastWindowMaxMs();
    // The longest event-loop stall while the new bundle loads: what a request arriving meanwhile may wait.
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    let bundle: ModelBundle;
    try {
      bundle = await withPacedHashing(SWAP_HASH_BYTES_PER_SECOND, () => this.opts.load(store.path(version)));
    } catch (err) {
      const reason = err instanceof EncoreError || err instanceof Error ? err.message : String(err);
      return this.refuse(version, reason);
    } finally {
      stalls.disable();
    }
    const maxStallMs = Math.round(stalls.max / 1e6);
    const reason = bundle.version !== version ? `directory says version ${bundle.version}` : (checkBundle(bundle, this.opts.catalog) ?? this.opts.validate?.(bundle) ?? null);
    if (reason !== null) {
      try {
        bundle.close();
      } catch {
        // a half-valid bundle may fail to close; it is dropped either way
      }
      return this.refuse(version, reason);
    }
    const previous = this.held;
    this.held = { bundle, refs: 0, retiredAt: 0, closed: false }; // the swap: one assignment
    previous.retiredAt = Date.now();
    this.retired.add(previous);
    const loadMs = Math.round(performance.now() - started);
    const baseline = baselineStallMs === null ? '' : `; ${Math.round(baselineStallMs)} ms in the 5 s window before the load`;
    this.opts.logger?.info(
      { from: previous.bundle.version, to: version, loadMs, maxStallMs, baselineStallMs },
      `model bundle swapped: ${previous.bundle.version} -> ${version} (loaded in ${loadMs} ms, longest event-loop stall ${maxStallMs} ms${baseline})`,
    );
    this.opts.onSwap?.(bundle, previous.bundle);
    setTimeout(() => this.sweep(), this.graceMs + 10).unref();
    return { kind: 'swapped', from: previous.bundle.version, to: version, loadMs, maxStallMs, baselineStallMs };
  }

  private refuse(version: string, reason: string): ReloadResult {
    this.refused.set(version, reason);
    const serving = this.held.bundle.version;
    this.opts.logger?.error({ version, reason, serving }, `model bundle ${version} refused: ${reason}; still serving ${serving}`);
    return { kind: 'refused', version, reason, serving };
  }

  /** Closes retired bundles that no request holds any more and whose grace period has passed. */
  private sweep(): void {
    const now = Date.now();
    let released = false;
    for (const h of this.retired) {
      if (h.refs > 0 || now - h.retiredAt < this.graceMs) continue;
      this.retired.delete(h);
      if (!h.closed) {
        h.closed = true;
        h.bundle.close();
        released = true;
        this.opts.logger?.info({ version: h.bundle.version }, `model bundle ${h.bundle.version} released`);
      }
    }
    // Read-in bundles are gigabytes of private memory that only a collection frees: force one (after this tick,
    // so nothing here still references it). Mapped bundles (the mmap addon) are clean file pages the kernel may
    // reclaim at any time, unmapped at the next collection: a forced full collection would cost 38-50 ms of
    // event loop under 200 req/s (measured in bench:swap), for memory that is not the process's own.
    if (released && !mmapAvailable) setImmediate(collectReleasedMemory);
  }

  /** Number of old bundles still open (waiting for leases or the grace period). */
  get retiredOpen(): number {
    return this.retired.size;
  }

  /**
   * Polls `store` about every `intervalMs` (jittered: 0.5 to 1.5 times it) for a newer version; returns a
   * function that stops watching. The jitter keeps a machine's serving processes from all noticing a new version
   * at the same instant and loading it in lockstep, each load's start competing with the others' for the cores
   * (measured with one buffer per bundle, before the mapping region: 40-95 ms event-loop stalls in both processes
   * at once).
   */
  watch(store: BundleStore, intervalMs = 1000): () => void {
    this.unwatch();
    this.loopDelay.start();
    const nextDelay = (): number => intervalMs * (0.5 + Math.random());
    const tick = (): void => {
      this.reload(store)
        .catch((err: unknown) => this.opts.logger?.error({ err }, 'bundle store poll failed'))
        .finally(() => {
          if (this.timer !== null) this.timer = setTimeout(tick, nextDelay()).unref();
        });
    };
    this.timer = setTimeout(tick, nextDelay()).unref();
    return () => this.unwatch();
  }

  private unwatch(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.loopDelay.stop();
  }

  /** Stops watching and closes every bundle (service shutdown). */
  async close(): Promise<void> {
    this.unwatch();
    if (this.reloading !== null) await this.reloading.catch(() => undefined);
    for (const h of this.retired) if (!h.closed) h.bundle.close();
    this.retired.clear();
    if (!this.held.closed) {
      this.held.closed = true;
      this.held.bundle.close();
    }
  }
}
