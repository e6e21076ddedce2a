import type { ExperimentConfig, SurfaceConfig } from './SurfaceConfig.js';
import { home } from './home.js';
import { radio } from './radio.js';
import { checkExperiment } from '../experiments/bucket.js';

export type { SurfaceConfig, SourceSlot, RerankConfig, ExperimentConfig, ExperimentVariant, VariantOverrides } from './SurfaceConfig.js';

const surfaces = new Map<string, SurfaceConfig>([
  [home.name, home],
  [radio.name, radio],
]);

/** Every surface the service answers, by name (the `surface` query parameter), plus experiment variants. */
export const SURFACES: ReadonlyMap<string, SurfaceConfig> = surfaces;
/** The public surface names (variant surfaces are reached only through bucketing). */
export const SURFACE_NAMES: readonly string[] = [...surfaces.keys()];

/** Name of the internal surface serving `variant` of `surface`'s experiment. */
export function variantSurfaceName(surface: string, variant: string): string {
  return `${surface}@${variant}`;
}

/** `surface` with a variant's overrides applied, under its variant surface name. */
export function applyVariant(surface: SurfaceConfig, variant: ExperimentConfig['variants'][number]): SurfaceConfig {
  const o = variant.overrides;
  const { experiment: _experiment, ...base } = surface;
  return { ...base, name: variantSurfaceName(surface.name, variant.name), ranker: o.ranker ?? surface.ranker, rerank: { ...surface.rerank, ...(o.rerank ?? {}) } };
}

/**
 * Declares (or replaces, or with null removes) the experiment on a public surface: the surface then carries it
 * and each variant is served as its own internal surface. Called at start (`encore serve --experiment FILE`).
 */
export function declareExperiment(surfaceName: string, experiment: ExperimentConfig | null): void {
  const surface = surfaces.get(surfaceName);
  if (!surface || !SURFACE_NAMES.includes(surfaceName)) throw new Error(`unknown surface "${surfaceName}"`);
  for (const v of surface.experiment?.variants ?? []) surfaces.delete(variantSurfaceName(surfaceName, v.name));
  const { experiment: _old, ...base } = surface;
  if (experiment === null) {
    surfaces.set(surfaceName, base);
    return;
  }
  checkExperiment(experiment);
  surfaces.set(surfaceName, { ...base, experiment });
  for (const v of experiment.variants) surfaces.set(variantSurfaceName(surfaceName, v.name), applyVariant(base, v));
}
