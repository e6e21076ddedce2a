// The feed route's experiment step: which internal surface serves this listener, and what the response says.
import { SURFACES, variantSurfaceName } from '../surfaces/index.js';
import { assignVariant } from './bucket.js';

export interface FeedArm {
  /** The surface recommend() runs (the variant's internal surface). */
  readonly surface: string;
  readonly experiment: string;
  readonly variant: string;
}

/** The arm of `listenerId` on `surface`, or null when the surface runs no experiment. */
export function feedArm(surface: string, listenerId: string): FeedArm | null {
  const e = SURFACES.get(surface)?.experiment;
  if (!e) return null;
  const v = assignVariant(e, listenerId);
  return { surface: variantSurfaceName(surface, v.name), experiment: e.name, variant: v.name };
}
