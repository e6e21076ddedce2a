import type { FastifyPluginAsync } from 'fastify';
import type { Catalog } from '../../catalog/Catalog.js';
import { MutableCatalog, type TrackUpsert } from '../../catalog/MutableCatalog.js';
import { Errors } from '../../domain/errors.js';
import { ID_SCHEMA } from '../../domain/ids.js';
import { MARKET_CODE_PATTERN } from '../../catalog/MarketSets.js';
import { MAX_GENRES_PER_TRACK, MAX_TITLE_LENGTH, checkTrackInput } from '../../catalog/trackInput.js';
import type { Logger } from '../deps.js';
import { errorResponses } from '../schemas/common.js';

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

const namedRef = {
  type: 'object',
  required: ['id'],
  properties: { id: ID_SCHEMA, name: { type: 'string', minLength: 1, maxLength: MAX_TITLE_LENGTH } },
} as const;

/** The track object (documentation and a first shape check; each track is then checked on its own by checkTrackInput). */
export const trackObjectSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: ID_SCHEMA,
    title: { type: 'string', minLength: 1, maxLength: MAX_TITLE_LENGTH },
    artist: namedRef,
    album: namedRef,
    genres: { type: 'array', items: { type: 'string' }, maxItems: MAX_GENRES_PER_TRACK, description: 'names; "parent/child" builds the hierarchy; the first is the primary genre' },
    releaseDate: { type: 'string', description: 'YYYY-MM-DD' },
    durationMs: { type: 'integer', minimum: 1 },
    explicit: { type: 'boolean' },
    markets: { type: 'array', items: { type: 'string', pattern: MARKET_CODE_PATTERN }, description: 'ISO 3166-1 alpha-2 codes where the track may be played; absent = everywhere' },
    features: { type: 'object', additionalProperties: { type: 'number' } },
    popularity: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

const bodySchema = {
  type: 'object',
  required: ['tracks'],
  additionalProperties: false,
  properties: { tracks: { type: 'array', minItems: 1, maxItems: MAX_TRACKS_PER_BATCH, items: { type: 'object' } } },
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
 * - 200: each track is applied or rejected on its own (`rejected[i].reason`), in order.
 * - 503: the serving catalog is read-only (not a MutableCatalog).
 */
export const tracksPlugin: FastifyPluginAsync<TracksPluginOptions> = async (app, opts) => {
  const { catalog, catalogChanges, logger } = opts.deps;

  app.put<{ Body: { tracks: unknown[] } }>(
    '/v1/tracks',
    {
      bodyLimit: 16 * 1024 * 1024,
      config: { scope: 'catalog' },
      schema: {
        summary: 'Add or update tracks (new releases, licence changes per market)',
        description:
          'Upsert by the app\'s track id, with the same track objects as `encore import --format jsonl`. A new track needs id, title and artist ({id, name}; an artist, album, genre or market seen for the first time is created). An update sends id plus the fields that change; `markets` lists where the track may still be played. Each track is applied or rejected on its own.',
        tags: ['catalog'],
        body: bodySchema,
        response: { 200: responseSchema, ...errorResponses },
      },
    },
    async (req): Promise<TracksResponse> => {
      if (!(catalog instanceof MutableCatalog)) throw Errors.notReady('the catalog is read-only in this service');
      const added: string[] = [];
      const updated: string[] = [];
      const rejected: TracksResponse['rejected'] = [];
      // Each track is checked on its own; the valid ones go through the catalog's change router: journaled
      // (embedded) or ordered by the shared stream (replicas), so every replica assigns the same indices.
      const tracks: TrackUpsert[] = [];
      const at: number[] = [];
      req.body.tracks.forEach((raw, i) => {
        const c = checkTrackInput(raw);
        const id = typeof (raw as { id?: unknown }).id === 'string' ? ((raw as { id: string }).id) : '';
        if (c.kind === 'rejected') rejected.push({ index: i, trackId: id, reason: `${c.field} ${c.reason}` });
        else if (c.track.takedown === true) rejected.push({ index: i, trackId: id, reason: 'takedown is DELETE /v1/tracks/{id}' });
        else {
          tracks.push(c.track);
          at.push(i);
        }
      });
      const results = tracks.length > 0 ? await catalog.submit(tracks) : [];
      for (let k = 0; k < tracks.length; k++) {
        const r = results[k]!;
        if (r.kind === 'rejected') rejected.push({ index: at[k]!, trackId: tracks[k]!.id, reason: r.reason });
        else (r.kind === 'added' ? added : updated).push(tracks[k]!.id);
      }
      rejected.sort((x, y) => x.index - y.index);
      const applied = added.length + updated.length;
      if (applied > 0 && catalogChanges !== undefined) await catalogChanges.append(tracks.filter((_, i) => results[i]!.kind !== 'rejected'));
      if (applied > 0) logger?.info({ added: added.length, updated: updated.length, rejected: rejected.length }, 'catalog changed');
      return { added, updated, rejected };
    },
  );

  app.delete<{ Params: { trackId: string } }>(
    '/v1/tracks/:trackId',
    {
      config: { scope: 'catalog' },
      schema: {
        operationId: 'takeDownTrack',
        summary: 'Take a track down: never served again, in any market, by any replica',
        description: 'Goes through the same change log as PUT /v1/tracks (journal or JetStream), so every worker and replica applies it within milliseconds.',
        tags: ['catalog'],
        params: { type: 'object', required: ['trackId'], properties: { trackId: ID_SCHEMA } },
        response: { 200: { type: 'object', properties: { trackId: { type: 'string' }, takenDown: { type: 'boolean' } }, required: ['trackId', 'takenDown'] }, ...errorResponses },
      },
    },
    async (req) => {
      if (!(catalog instanceof MutableCatalog)) throw Errors.notReady('the catalog is read-only in this service');
      const id = req.params.trackId;
      if (!catalog.trackIds.has(id)) throw Errors.unknownTrack(id);
      const [r] = await catalog.submit([{ id, takedown: true }]);
      if (r?.kind === 'rejected') throw Errors.badRequest(r.reason);
      logger?.info({ trackId: id }, 'track taken down');
      return { trackId: id, takenDown: true };
    },
  );
};
