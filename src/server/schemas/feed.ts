import { TRACK_ID_PATTERN, USER_ID_PATTERN } from '../../domain/ids.js';
import { SURFACE_NAMES } from '../../surfaces/index.js';
import { errorResponses } from './common.js';

export const MAX_HTTP_LIMIT = 100;

export const feedParams = {
  type: 'object',
  properties: { userId: { type: 'string', pattern: USER_ID_PATTERN, description: 'listener id, e.g. u42' } },
  required: ['userId'],
} as const;

export const feedQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    surface: { type: 'string', enum: SURFACE_NAMES, default: 'home' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_HTTP_LIMIT, default: 30 },
    seedTrackId: { type: 'string', pattern: TRACK_ID_PATTERN, description: 'radio: the track to continue from' },
    genres: { type: 'string', pattern: '^[0-9]{1,5}(,[0-9]{1,5}){0,19}$', description: 'cold start: root genre ids picked at onboarding, comma-separated' },
    diversity: { type: 'boolean', default: true, description: 'false turns re-ranking rules off (debugging)' },
  },
} as const;

const stageSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    ms: { type: 'number' },
    in: { type: 'integer' },
    out: { type: 'integer' },
    status: { type: 'string', enum: ['ok', 'degraded', 'timeout', 'failed', 'skipped'] },
    detail: { type: 'string' },
  },
  required: ['name', 'ms', 'in', 'out', 'status'],
} as const;

const itemSchema = {
  type: 'object',
  properties: {
    trackId: { type: 'string' },
    title: { type: 'string' },
    artistId: { type: 'string' },
    artist: { type: 'string' },
    album: { type: 'string' },
    score: { type: 'number' },
    sources: { type: 'array', items: { type: 'string' } },
    reason: { type: 'string' },
    exploration: { type: 'boolean' },
    propensity: { type: 'number', description: 'exploration slot only: log it with the impression event' },
  },
  required: ['trackId', 'title', 'artistId', 'artist', 'album', 'score', 'sources', 'reason'],
} as const;

export const feedResponse = {
  200: {
    type: 'object',
    properties: {
      requestId: { type: 'string' },
      surface: { type: 'string' },
      modelVersion: { type: 'string' },
      items: { type: 'array', items: itemSchema },
      trace: {
        type: 'object',
        properties: { totalMs: { type: 'number' }, stages: { type: 'array', items: stageSchema } },
        required: ['totalMs', 'stages'],
      },
      degraded: {
        type: 'array',
        items: { type: 'object', properties: { component: { type: 'string' }, reason: { type: 'string' } }, required: ['component', 'reason'] },
      },
    },
    required: ['requestId', 'surface', 'modelVersion', 'items', 'trace', 'degraded'],
  },
  ...errorResponses,
} as const;
