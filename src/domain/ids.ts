// Branded ids keep a track index from being passed where a user index belongs.
// External ids are strings ("t123", "u45", "a6", "al7"); inside the service everything is a dense index.
export type TrackIndex = number & { readonly __brand: 'TrackIndex' };
export type UserIndex = number & { readonly __brand: 'UserIndex' };
export type ArtistIndex = number & { readonly __brand: 'ArtistIndex' };
export type AlbumIndex = number & { readonly __brand: 'AlbumIndex' };

export type TrackId = string & { readonly __brand: 'TrackId' };
export type UserId = string & { readonly __brand: 'UserId' };
export type ArtistId = string & { readonly __brand: 'ArtistId' };
export type AlbumId = string & { readonly __brand: 'AlbumId' };

export const TRACK_ID_PATTERN = '^t(0|[1-9][0-9]{0,9})$';
export const USER_ID_PATTERN = '^u(0|[1-9][0-9]{0,9})$';
export const ARTIST_ID_PATTERN = '^a(0|[1-9][0-9]{0,9})$';
export const ALBUM_ID_PATTERN = '^al(0|[1-9][0-9]{0,9})$';

function parseIndex(id: string, prefix: string): number | null {
  if (!id.startsWith(prefix)) return null;
  const digits = id.slice(prefix.length);
  if (digits.length === 0 || digits.length > 10 || !/^(0|[1-9][0-9]*)$/.test(digits)) return null;
  const n = Number(digits);
  return n <= 0x7fffffff ? n : null;
}

export const parseTrackId = (id: string): TrackIndex | null => parseIndex(id, 't') as TrackIndex | null;
export const parseUserId = (id: string): UserIndex | null => parseIndex(id, 'u') as UserIndex | null;
export const parseArtistId = (id: string): ArtistIndex | null => parseIndex(id, 'a') as ArtistIndex | null;
export const parseAlbumId = (id: string): AlbumIndex | null => parseIndex(id, 'al') as AlbumIndex | null;

export const trackId = (i: number): TrackId => `t${i}` as TrackId;
export const userId = (i: number): UserId => `u${i}` as UserId;
export const artistId = (i: number): ArtistId => `a${i}` as ArtistId;
export const albumId = (i: number): AlbumId => `al${i}` as AlbumId;
