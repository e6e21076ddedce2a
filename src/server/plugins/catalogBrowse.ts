// Read routes over the catalog an app and the UI need: one track, prefix search, the genre and market lists.
import type { FastifyPluginAsync } from 'fastify';
import type { Catalog } from '../../catalog/Catalog.js';
import { CatalogSearch } from '../../catalog/CatalogSearch.js';
import { Errors } from '../../domain/errors.js';
import { ID_SCHEMA, type AlbumIndex, type ArtistIndex, type TrackIndex } from '../../domain/ids.js';
import { genreList, genreName } from '../../pipeline/genreNames.js';
import { TRACK_REF_REQUIRED, errorResponses, trackRefProperties } from '../schemas/common.js';

export const MAX_SEARCH_HITS = 50;
const DAY_MS = 86_400_000;

export interface CatalogBrowseOptions {
  readonly deps: { readonly catalog: Catalog };
}

export interface TrackView {
  readonly trackId: string;
  readonly title: string;
  readonly artistId: string;
  readonly artist: string;
  readonly albumId: string;
  readonly album: string;
  readonly genre: string | null;
  readonly releaseDate: string | null;
  readonly durationMs: number;
  readonly explicit: boolean;
  /** Market codes where the track may be played, or "everywhere". Empty: taken down (or licensed nowhere). */
  readonly markets: readonly string[] | 'everywhere';
}

const trackViewSchema = {
  type: 'object',
  properties: {
    ...trackRefProperties,
    genre: { type: ['string', 'null'] },
    releaseDate: { type: ['string', 'null'] },
    durationMs: { type: 'integer' },
    explicit: { type: 'boolean' },
    markets: { anyOf: [{ type: 'string', enum: ['everywhere'] }, { type: 'array', items: { type: 'string' } }] },
  },
  required: [...TRACK_REF_REQUIRED, 'genre', 'releaseDate', 'durationMs', 'explicit', 'markets'],
} as const;

/** The public view of track t. */
export function trackView(c: Catalog, t: number): TrackView {
  const col = c.columns;
  const a = col.artist[t]!;
  const al = col.album[t]!;
  const g = c.genres.find((x) => x.id === col.genre[t]);
  const day = col.releaseDay[t]!;
  const set = col.marketSet[t]!;
  return {
    trackId: c.trackIds.idAt(t),
    title: c.trackTitle(t as TrackIndex),
    artistId: c.artistIds.idAt(a),
    artist: c.artistName(a as ArtistIndex),
    albumId: c.albumIds.idAt(al),
    album: c.albumTitle(al as AlbumIndex),
    genre: g === undefined ? null : genreName(g, new Map(c.genres.map((x) => [x.id, x]))),
    releaseDate: day > 0 ? new Date(day * DAY_MS).toISOString().slice(0, 10) : null,
    durationMs: col.durationMs[t]!,
    explicit: col.explicit[t] === 1,
    markets: c.marketSets.isEverywhere(set) ? 'everywhere' : c.marketSets.members(set, c.markets.length).map((m) => c.markets[m]!),
  };
}

export const catalogBrowsePlugin: FastifyPluginAsync<CatalogBrowseOptions> = async (app, { deps }) => {
  const catalog = deps.catalog;
  const search = new CatalogSearch(catalog);
  // Built on the first search, in the background (a chunk per event-loop turn) so feeds keep flowing meanwhile; that
  // search waits for it. Not at start: at 8.2M tracks the build is tens of seconds of CPU every worker would spend
  // while the feeds need it, whether or not anyone searches.

  app.get<{ Params: { trackId: string } }>(
    '/v1/tracks/:trackId',
    {
      schema: {
        operationId: 'getTrack',
        summary: 'One track by the app’s id',
        tags: ['catalog'],
        params: { type: 'object', required: ['trackId'], properties: { trackId: ID_SCHEMA } },
        response: { 200: trackViewSchema, ...errorResponses },
      },
    },
    async (req) => {
      const t = catalog.trackIds.indexOf(req.params.trackId);
      if (t < 0 || t >= catalog.trackCount) throw Errors.unknownTrack(req.params.trackId);
      return trackView(catalog, t);
    },
  );

  app.get<{ Querystring: { q: string; limit: number; market?: string } }>(
    '/v1/tracks',
    {
      schema: {
        operationId: 'searchTracks',
        summary: 'Tracks whose title or artist name starts with q',
        tags: ['catalog'],
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 200 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_HITS, default: 20 },
            market: { type: 'string', pattern: '^[A-Z]{2}$', description: 'only tracks playable in this market' },
          },
        },
        response: { 200: { type: 'object', properties: { tracks: { type: 'array', items: trackViewSchema } }, required: ['tracks'] }, ...errorResponses },
      },
    },
    async (req) => {
      const { q, limit, market } = req.query;
      const m = market === undefined ? -1 : catalog.markets.indexOf(market);
      if (market !== undefined && m < 0) throw Errors.badRequest(`market: "${market}" is not a market of this catalog`);
      const sets = catalog.marketSets;
      const setOf = catalog.columns.marketSet;
      // A taken-down track is available nowhere: never listed, whatever the market.
      const playable = (t: number): boolean => (m >= 0 ? sets.has(setOf[t]!, m) : sets.isEverywhere(setOf[t]!) || sets.members(setOf[t]!, catalog.markets.length).length > 0);
      return { tracks: (await search.find(q, limit, playable)).map((t) => trackView(catalog, t)) };
    },
  );

  app.get(
    '/v1/genres',
    {
      schema: {
        operationId: 'listGenres',
        summary: 'Every genre by name ("parent/child" for a subgenre)',
        tags: ['catalog'],
        response: {
          200: {
            type: 'object',
            properties: { genres: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, parent: { type: ['string', 'null'] } }, required: ['name', 'parent'] } } },
            required: ['genres'],
          },
        },
      },
    },
    async () => ({ genres: genreList(catalog) }),
  );

  app.get(
    '/v1/markets',
    {
      schema: {
        operationId: 'listMarkets',
        summary: 'The markets (ISO 3166-1 alpha-2) this catalog knows',
        tags: ['catalog'],
        response: { 200: { type: 'object', properties: { markets: { type: 'array', items: { type: 'string' } } }, required: ['markets'] } },
      },
    },
    async () => ({ markets: [...catalog.markets] }),
  );
};
