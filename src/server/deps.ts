// Everything the HTTP app needs, wired once at the composition root (src/cli/commands/serve.ts, tests).
// No IoC container: plugins receive `{ deps }` as their options and take what they use.
import type { Registry } from 'prom-client';
import type { Catalog } from '../catalog/Catalog.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import type { EventLog, ListenerStateStore } from '../storage/interfaces.js';
import type { UserProfiles } from '../pipeline/UserProfiles.js';
import type { PipelineComponents } from '../pipeline/components.js';
import type { CatalogChangeSink } from './plugins/tracks.js';

/** Holds the model bundle being served; `current()` may return a newer bundle after a live swap. */
export interface BundleHolderLike {
  current(): ModelBundle;
  /** When present, a request holds a lease so a live swap never closes the bundle under it. */
  acquire?(): { readonly bundle: ModelBundle; release(): void };
}

/** Minimal structured logger (pino-compatible subset), so deps do not tie plugins to one logger. */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

export interface AppDeps {
  /**
   * The catalog being served. When the events helper's MutableCatalog is used, the tracks plugin narrows
   * this (e.g. `instanceof MutableCatalog`) to upsert tracks; the feed only reads it.
   */
  readonly catalog: Catalog;
  /** The current model bundle (src/model/BundleHolder.ts), swapped live after `encore train`. */
  readonly bundles: BundleHolderLike;
  /** Online listener state: read on every feed request, updated by POST /v1/events. */
  readonly listenerState: ListenerStateStore;
  /** Durable event log written by POST /v1/events. */
  readonly eventLog: EventLog;
  /** Market and explicit-content opt-in per listener (world users), with a default for unknown listeners. */
  readonly profiles: UserProfiles;
  /** prom-client registry served at GET /metrics; every plugin registers its metrics here. */
  readonly metrics: Registry;
  readonly logger: Logger;
  /** Candidate sources and scorer by name; defaults to src/pipeline/components.ts defaultComponents(). */
  readonly components?: PipelineComponents;
  /** Where PUT /v1/tracks records accepted catalog changes (src/server/plugins/tracks.ts); optional. */
  readonly catalogChanges?: CatalogChangeSink;
  /** Readiness checks beyond "a bundle is loaded" (e.g. storage reachable); GET /readyz runs them. */
  readonly readinessChecks?: readonly ReadinessCheck[];
}

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>; // throws when not ready
}

/** Options every Encore Fastify plugin receives: `app.register(eventsPlugin, { deps })`. */
export interface AppPluginOptions {
  readonly deps: AppDeps;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
