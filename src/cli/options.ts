// Validation of command-line values shared by the subcommands: one wording and one error code (ENC_BAD_REQUEST,
// printed by encore.ts as "encore: [ENC_BAD_REQUEST] ...") for every command.
import { Errors } from '../domain/errors.js';
import { MAX_ACTIVITY_EXPONENT } from '../training/activityWeighting.js';

/** `value` as a finite number, or a coded error naming the flag (kebab-case, as the user typed it). */
export function numberOption(flag: string, value: unknown): number {
  const n = Number(value);
  if (typeof value === 'boolean' || value === undefined || !Number.isFinite(n)) throw Errors.badRequest(`--${flag} must be a number, got "${String(value)}"`);
  return n;
}

/** The two ALS additions of `encore train` and `encore offline` (docs/evaluation.md), checked alike by both. */
export function alsAdditionOptions(featureListeners: unknown, activityExponent: unknown): { featureListeners: number; activityExponent: number } {
  const w = numberOption('feature-listeners', featureListeners);
  if (w < 0) throw Errors.badRequest(`--feature-listeners must be 0 or more, got ${w}`);
  const x = numberOption('activity-exponent', activityExponent);
  if (x < 0 || x > MAX_ACTIVITY_EXPONENT) throw Errors.badRequest(`--activity-exponent must be between 0 and ${MAX_ACTIVITY_EXPONENT}, got ${x}`);
  return { featureListeners: w, activityExponent: x };
}

/** The option `key` (commander's camelCase key) of a parsed option record as a number; the error names the flag as typed. */
export function numberOf(options: Readonly<Record<string, unknown>>, key: string): number {
  return numberOption(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), options[key]);
}
