// How a simulated listener reacts to one track (docs/simulator.md lists every assumption and number here).
// The base appeal is the world's hidden truth model (completeProbability); the simulator adds what the
// history generator has no need for: fatigue within a session, patience, and coming back the next day.
import { EARLY_SKIP_MS } from '../domain/events.js';

export const SIM_MODEL = {
  /** Logit penalty per earlier play of the same artist in this session ("the same artist again"). */
  fatiguePerRepeat: 0.7,
  /** Patience at the start of a session: base + spread × sigmoid(listener bias). */
  patienceBase: 2,
  patienceSpread: 3,
  /** Patience lost by an early skip (< 30 s) and by a later skip; regained by a completion (up to the start value). */
  earlySkipCost: 1,
  lateSkipCost: 0.5,
  completeGain: 0.25,
  /** After each completion the session ends on its own with this probability (mean about 12 completions). */
  naturalEndAfterComplete: 1 / 12,
  /** Most plays in one session and feed pages asked for in one session. */
  maxPlays: 40,
  maxFeeds: 3,
  feedLimit: 20,
  /** Next-day return: clamp(base + slope × completion share of the last session, min, max); absent listeners return with `absentReturn`. */
  returnBase: 0.3,
  returnSlope: 0.8,
  returnMin: 0.05,
  returnMax: 0.95,
  absentReturn: 0.3,
  /** As the history generator: like 0.2·p² after a completion; early-skip share clamp(1.25(1 − p), 0.2, 0.95); dislike 6 % of early skips. */
  likeScale: 0.2,
  dislikeShare: 0.06,
  /** Ban the artist on an early skip when this artist was already skipped earlier in the session. */
  banAfterRepeatSkip: 0.1,
} as const;

export type Outcome =
  | { readonly kind: 'complete'; readonly listenedMs: number; readonly like: boolean }
  | { readonly kind: 'skip'; readonly listenedMs: number; readonly early: boolean; readonly dislike: boolean; readonly ban: boolean };

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const logit = (p: number): number => Math.log(p / (1 - p));

/** Appeal after fatigue: the truth probability with the logit lowered per earlier play of the artist. */
export function fatigued(p: number, repeats: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return sigmoid(logit(q) - SIM_MODEL.fatiguePerRepeat * repeats);
}

/** One play: complete with probability p, else a skip (early or late) with the generator's follow-ups. */
export function playOutcome(rand: () => number, p: number, durationMs: number, artistSkippedBefore: boolean): Outcome {
  const m = SIM_MODEL;
  if (rand() < p) return { kind: 'complete', listenedMs: durationMs, like: rand() < m.likeScale * p * p };
  const early = rand() < Math.min(0.95, Math.max(0.2, 1.25 * (1 - p)));
  const listenedMs = early ? Math.floor(rand() * EARLY_SKIP_MS) : EARLY_SKIP_MS + Math.floor(rand() * Math.max(1, durationMs - EARLY_SKIP_MS));
  const dislike = early && rand() < m.dislikeShare;
  const ban = early && artistSkippedBefore && rand() < m.banAfterRepeatSkip;
  return { kind: 'skip', listenedMs: Math.min(listenedMs, durationMs), early, dislike, ban };
}

export function startPatience(bias: number): number {
  return SIM_MODEL.patienceBase + SIM_MODEL.patienceSpread * sigmoid(bias);
}

export function returnProbability(lastCompletionShare: number | null): number {
  const m = SIM_MODEL;
  if (lastCompletionShare === null) return m.absentReturn;
  return Math.min(m.returnMax, Math.max(m.returnMin, m.returnBase + m.returnSlope * lastCompletionShare));
}
