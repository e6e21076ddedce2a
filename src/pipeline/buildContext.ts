// Context stage: everything the request knows before retrieval (profile, online state, listener vector,
// history). A listener nobody has seen gets the default market and no vector: a cold-start feed.
import type { Catalog } from '../catalog/Catalog.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import type { ListenerState, ListenerStateStore } from '../storage/interfaces.js';
import type { RequestContext } from './contracts.js';
import { listenerVector } from './listenerVector.js';
import { resolveGenreNames } from './genreNames.js';
import type { UserProfiles } from './UserProfiles.js';

const NO_HISTORY: Int32Array = new Int32Array(0);

export interface ContextInput {
  readonly requestId: string;
  readonly surface: string;
  readonly userId: string;
  readonly limit: number;
  readonly nowMs: number;
  readonly seedTrack: number | null;
  readonly onboardingGenres: readonly number[];
  /** Sent with the request (a listener the app knows better than Encore does); wins over every stored profile. */
  readonly market?: number;
  readonly explicitOk?: boolean;
}

export interface ContextDeps {
  readonly catalog: Catalog;
  readonly bundle: ModelBundle;
  readonly profiles: UserProfiles;
  readonly listenerState: ListenerStateStore | null;
}

export interface ContextOutcome {
  readonly ctx: RequestContext;
  /** Set when the online state could not be read (the feed goes on without it). */
  readonly stateError: string | null;
}

export async function buildContext(deps: ContextDeps, input: ContextInput): Promise<ContextOutcome> {
  const profile = deps.profiles.profile(input.userId);
  const bundle = deps.bundle;
  // The bundle names its rows (a retrain may cover other listeners than the world); a hand-made bundle has no names.
  const row = bundle.userIds !== undefined ? bundle.userIds.indexOf(input.userId) : (profile.userIndex ?? -1);
  const userIndex = row >= 0 && row < bundle.userCount ? row : null;
  let state: ListenerState | null = null;
  let stateError: string | null = null;
  if (deps.listenerState !== null) {
    try {
      state = await deps.listenerState.get(input.userId);
    } catch (err) {
      stateError = err instanceof Error ? err.message : String(err);
    }
  }
  let history: Int32Array = NO_HISTORY;
  if (userIndex !== null) {
    try {
      history = bundle.userHistory.recentPositives(userIndex as never);
    } catch {
      history = NO_HISTORY;
    }
  }
  const userVector = listenerVector(bundle, userIndex, state, history, input.seedTrack);
  const ctx: RequestContext = {
    requestId: input.requestId,
    surface: input.surface,
    userId: input.userId,
    userIndex,
    market: input.market ?? storedMarket(deps.catalog, state) ?? profile.market,
    explicitOk: input.explicitOk ?? state?.profile?.explicit ?? profile.explicitOk,
    nowMs: input.nowMs,
    limit: input.limit,
    seedTrack: input.seedTrack,
    userVector,
    state,
    history,
    onboardingGenres: input.onboardingGenres.length > 0 ? input.onboardingGenres : storedGenres(deps.catalog, state),
    catalog: deps.catalog,
    bundle,
  };
  return { ctx, stateError };
}

/** The market of the profile set by PUT /v1/users/{id}, when the catalog knows it. */
function storedMarket(catalog: Catalog, state: ListenerState | null): number | undefined {
  const code = state?.profile?.market;
  if (code === undefined) return undefined;
  const i = catalog.markets.indexOf(code);
  return i >= 0 ? i : undefined;
}

/** The onboarding genres of the stored profile, as root genre ids. */
function storedGenres(catalog: Catalog, state: ListenerState | null): readonly number[] {
  const names = state?.profile?.genres;
  if (names === undefined || names.length === 0) return [];
  return resolveGenreNames(catalog, names).ids;
}
