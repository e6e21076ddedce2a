import type { SurfaceConfig } from './SurfaceConfig.js';
import { home } from './home.js';
import { radio } from './radio.js';

export type { SurfaceConfig, SourceSlot, RerankConfig } from './SurfaceConfig.js';

/** Every surface the service answers, by name (the `surface` query parameter). */
export const SURFACES: ReadonlyMap<string, SurfaceConfig> = new Map([
  [home.name, home],
  [radio.name, radio],
]);
export const SURFACE_NAMES: readonly string[] = [...SURFACES.keys()];
