// The world's fixed clock: deterministic, never the wall clock.
export const DAY_MS = 86_400_000;
/** World "now": 2026-01-01T00:00:00Z. All generated history lies in the year before it. */
export const WORLD_NOW_MS = Date.UTC(2026, 0, 1);
export const WORLD_NOW_DAY = WORLD_NOW_MS / DAY_MS;
export const HISTORY_DAYS = 365;
