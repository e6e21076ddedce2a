// Ids are the app's own opaque strings (UUIDs, `spotify:track:…` URIs, ISRCs, database keys, or a generated world's
// `t123`/`u45`): Encore never parses anything out of them. Inside the service every entity is a dense index, mapped
// from and to its id by an IdDictionary (src/catalog/IdDictionary.ts) stored with the catalog and the bundle.
// Branded index types keep a track index from being passed where a user index belongs.
export type TrackIndex = number & { readonly __brand: 'TrackIndex' };
export type UserIndex = number & { readonly __brand: 'UserIndex' };
export type ArtistIndex = number & { readonly __brand: 'ArtistIndex' };
export type AlbumIndex = number & { readonly __brand: 'AlbumIndex' };

export type TrackId = string & { readonly __brand: 'TrackId' };
export type UserId = string & { readonly __brand: 'UserId' };
export type ArtistId = string & { readonly __brand: 'ArtistId' };
export type AlbumId = string & { readonly __brand: 'AlbumId' };

/** Longest id accepted, in UTF-8 bytes. */
export const MAX_ID_BYTES = 256;

/** JSON-schema fragment for an id (the byte limit and control characters are checked by checkId; 256 chars bound it first). */
export const ID_SCHEMA = { type: 'string', minLength: 1, maxLength: MAX_ID_BYTES } as const;

// C0 controls, DEL, C1 controls; also lone surrogates (not valid UTF-8 once encoded).
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` is not a valid id, or null when it is one (1–256 bytes of UTF-8, no control characters). */
export function idProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_ID_BYTES) return `must be at most ${MAX_ID_BYTES} bytes of UTF-8`;
  if (FORBIDDEN.test(value)) return 'must not contain control characters or unpaired surrogates';
  if (Buffer.byteLength(value, 'utf8') > MAX_ID_BYTES) return `must be at most ${MAX_ID_BYTES} bytes of UTF-8`;
  return null;
}

export const isValidId = (value: unknown): value is string => idProblem(value) === null;

// Ids of a generated world (encore world). Only the generator and tests make these; nothing reads a number back.
export const trackId = (i: number): TrackId => `t${i}` as TrackId;
export const userId = (i: number): UserId => `u${i}` as UserId;
export const artistId = (i: number): ArtistId => `a${i}` as ArtistId;
export const albumId = (i: number): AlbumId => `al${i}` as AlbumId;
