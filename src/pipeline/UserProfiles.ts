// Listener profile lookup (market, explicit opt-in) from the world's user columns. A listener the world
// does not know gets the default market and explicit content allowed, never an error.
import type { IdDictionary } from '../catalog/IdDictionary.js';

export interface UserProfile {
  /** Dense user index when the world knows this listener, else null. */
  readonly userIndex: number | null;
  readonly market: number; // index into the catalog's market list
  readonly explicitOk: boolean;
}

export interface UserProfiles {
  readonly defaultMarket: number;
  profile(userId: string): UserProfile;
}

/** The world's user columns (src/world/World.ts `users`). */
export interface UserColumns {
  readonly count: number;
  readonly ids: IdDictionary;
  readonly market: Uint8Array;
  readonly explicitOk: Uint8Array;
}

export function profilesFromUsers(users: UserColumns, defaultMarket = 0): UserProfiles {
  return {
    defaultMarket,
    profile(userId: string): UserProfile {
      const u = users.ids.indexOf(userId);
      if (u < 0 || u >= users.count) return { userIndex: null, market: defaultMarket, explicitOk: true };
      return { userIndex: u, market: users.market[u] ?? defaultMarket, explicitOk: (users.explicitOk[u] ?? 1) === 1 };
    },
  };
}
