import fs from 'node:fs';
import { Errors } from '../domain/errors.js';
import { declareExperiment } from '../surfaces/index.js';
import type { ExperimentConfig } from '../surfaces/SurfaceConfig.js';

export interface ExperimentDeclaration extends ExperimentConfig {
  readonly surface: string;
}

/** Declares every experiment of a JSON file (an array of { surface, name, variants }) on its surface. */
export function declareExperimentsFile(file: string): ExperimentDeclaration[] {
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw Errors.badRequest(`${file}: expected a JSON array of experiments`);
  const decls = list as ExperimentDeclaration[];
  for (const d of decls) {
    try {
      declareExperiment(d.surface, { name: d.name, variants: d.variants });
    } catch (e) {
      throw Errors.badRequest(`${file}: ${(e as Error).message}`);
    }
  }
  return decls;
}
