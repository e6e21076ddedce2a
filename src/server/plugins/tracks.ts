import type { FastifyPluginAsync } from 'fastify';
import type { Catalog } from '../../catalog/Catalog.js';
import { MutableCatalog, type TrackUpsert } from '../../catalog/MutableCatalog.js';
import { Errors } from '../../domain/errors.js';
import { MARKETS } from '../../domain/markets.js';
import type { Logger } from '../deps.js';

/**
 * An extra sink for accepted catalog changes, called after they are applied and before the answer. The
 * durable, replicated path is the catalog's change router (storage/open.ts attachCatalogChanges); this
 * hook stays for callers that want to observe changes.
 */
export interface CatalogChangeSink {
  append(changes: readonly TrackUpsert[]): Promise<void>;
}

/** What the tracks plugin uses from AppDeps (AppDeps satisfies it). */
export interface TracksDeps {
  readonly catalog: Catalog;
  readonly catalogChanges?: CatalogChangeSink;
  readonly logger?: Logger;
}

export interface TracksPluginOptions {
  readonly deps: TracksDeps;
}

export const MAX_TRACKS_PER_BATCH = 1000;

export interface TracksResponse {
  readonly added: string[];
  readonly updated: string[];
  readonly rejected: { index: number; trackId: string; reason: string }[];
}

const idString = { type: 'string', minLength: 1, maxLength: 16 } as const;
const trackSchema = {
  type: 'object',
  required: ['trackId'],
  additionalProperties: false,
  properties: {
    trackId: idString,
    title: { type: 'string', minLength: 1, maxLength: 500 },
    artistId: idString,
    artistName: { type: 'string', minLength: 1, maxLength: 500 },
    albumId: idString,
    albumTitle: { type: 'string', minLength: 1, maxLength: 500 },
    genre: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', minLength: 1 }] },
    releaseDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    durationMs: { type: 'integer', minimum: 1 },
    explicit: { type: 'boolean' },
    markets: { type: 'array', items: { type: 'string', enum: [...MARKETS] }, uniqueItems: true },
    features: { anyOf: [{ type: 'object', additionalProperties: { type: 'number' } }, { type: 'array', items: { type: 'number' } }] },
    popularity: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

const bodySchema = {
  type: 'object',
  required: ['tracks'],
  additionalProperties: false,
  properties: { tracks: { type: 'array', minItems: 1, maxItems: MAX_TRACKS_PER_BATCH, items: trackSchema } },
} as const;

const responseSchema = {
  type: 'object',
  required: ['added', 'updated', 'rejected'],
  properties: {
    added: { type: 'array', items: { type: 'string' } },
    updated: { type: 'array', items: { type: 'string' } },
    rejected: {
      type: 'array',
      items: { type: 'object', properties: { index: { type: 'integer' }, trackId: { type: 'string' }, reason: { type: 'string' } } },
    },
  },
} as const;

/**
 * PUT /v1/tracks: adds new releases and updates tracks (e.g. a market's licence ending: send the track
 * with the markets where it may still be played). Changes are written into the serving catalog's columns
 * at once, so the next feed request's market filter and the cold-start source see them. With a change
 * router attached (MutableCatalog.useChangeRouter), changes are durable before the answer and reach every
 * replica.
 *
 * - 400: malformed body (field types per the schema); nothing changes.
 * - 200: each track is applied or rejected on its own (`rejected[i].reason`); new ids must be dense
 *   (the next free `t<trackCount>`), so tracks of a batch are applied in order.
 * - 503: the serving catalog is read-only (not a MutableCatalog).
 */
export const tracksPlugin: FastifyPluginAsync<TracksPluginOptions> = async (app, opts) => {
  const { catalog, catalogChanges, logger } = opts.deps;

  app.put<{ Body: { tracks: TrackUpsert[] } }>(
    '/v1/tracks',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        summary: 'Add or update tracks (new releases, licence changes per market)',
        description:
          'A new track takes the next free id and needs every field; an update sends trackId plus the fields that change. `markets` lists where the track may still be played. Each track is applied or rejected on its own.',
        tags: ['catalog'],
        body: bodySchema,
        response: { 200: responseSchema },
      },
    },
    async (req): Promise<TracksResponse> => {
      if (!(catalog instanceof MutableCatalog)) throw Errors.notReady('the catalog is read-only in this service');
      const added: string[] = [];
      const updated: string[] = [];
      const rejected: TracksResponse['rejected'] = [];
      const tracks = req.body.tracks;
      // Through the catalog's change router: journaled (embedded) or ordered by the shared stream (replicas).
      const results = await catalog.submit(tracks);
      for (let i = 0; i < tracks.length; i++) {
        const r = results[i]!;
        if (r.kind === 'rejected') rejected.push({ index: i, trackId: tracks[i]!.trackId, reason: r.reason });
        else (r.kind === 'added' ? added : updated).push(tracks[i]!.trackId);
      }
      const applied = added.length + updated.length;
      if (applied > 0 && catalogChanges !== undefined) await catalogChanges.append(tracks.filter((_, i) => results[i]!.kind !== 'rejected'));
      if (applied > 0) logger?.info({ added: added.length, updated: updated.length, rejected: rejected.length }, 'catalog changed');
      return { added, updated, rejected };
    },
  );
};
