// One line of `encore import --users`: a listener profile, the body of `PUT /v1/users/{id}` plus the id:
// `{"id": "3f2b…", "market": "DE", "explicit": false, "genres": ["jazz"]}`. Checked here by the same rules as that
// route's schema (src/server/plugins/users.ts): id by idProblem, market an ISO 3166-1 alpha-2 code, explicit a
// boolean, genres at most 20 names of 1-201 characters. Only `id` is required; no other field is accepted.
// Onboarding genres are checked but not kept: the world format has no column for them (docs/import.md).
import { MARKET_CODE_PATTERN } from '../../catalog/MarketSets.js';
import { idProblem } from '../../domain/ids.js';

export interface UserRow {
  readonly id: string;
  readonly market?: string;
  readonly explicit?: boolean;
  readonly genres?: readonly string[];
}

export type UserRowCheck = { readonly kind: 'ok'; readonly user: UserRow } | { readonly kind: 'rejected'; readonly field: string; readonly reason: string };

/** As PUT /v1/users/{id} (MAX_ONBOARDING_GENRES, the genre name length of its schema). */
export const MAX_USER_GENRES = 20;
const MAX_GENRE_NAME = 201;
const MARKET = new RegExp(MARKET_CODE_PATTERN);
const FIELDS = new Set(['id', 'market', 'explicit', 'genres']);

const rejected = (field: string, reason: string): UserRowCheck => ({ kind: 'rejected', field, reason });

/** Checks one users-file row (a parsed JSON line, or a CSV row mapped to the same shape). */
export function checkUserRow(raw: unknown): UserRowCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return rejected('line', 'must be a JSON object {"id", "market", "explicit", "genres"}');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.has(k)) return rejected(k, 'unknown field (fields: id, market, explicit, genres)');
  const idWhy = idProblem(o.id);
  if (idWhy !== null) return rejected('id', o.id === undefined ? 'is required' : idWhy);
  if (o.market !== undefined && !(typeof o.market === 'string' && MARKET.test(o.market))) return rejected('market', 'must be an ISO 3166-1 alpha-2 code (two capital letters, e.g. "DE")');
  if (o.explicit !== undefined && typeof o.explicit !== 'boolean') return rejected('explicit', 'must be a boolean');
  if (o.genres !== undefined) {
    if (!Array.isArray(o.genres)) return rejected('genres', 'must be an array of genre names');
    if (o.genres.length > MAX_USER_GENRES) return rejected('genres', `must have at most ${MAX_USER_GENRES} names`);
    for (const g of o.genres as unknown[]) {
      if (!(typeof g === 'string' && g.length >= 1 && g.length <= MAX_GENRE_NAME)) return rejected('genres', `every name must be a string of 1-${MAX_GENRE_NAME} characters`);
    }
  }
  const user: UserRow = {
    id: o.id as string,
    ...(o.market !== undefined ? { market: o.market as string } : {}),
    ...(o.explicit !== undefined ? { explicit: o.explicit as boolean } : {}),
    ...(o.genres !== undefined ? { genres: o.genres as string[] } : {}),
  };
  return { kind: 'ok', user };
}
