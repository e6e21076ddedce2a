import { ID_SCHEMA } from '../../domain/ids.js';
import { MARKET_CODE_PATTERN } from '../../catalog/MarketSets.js';
import { SURFACE_NAMES } from '../../surfaces/index.js';
import { TRACK_REF_REQUIRED, errorResponses, trackRefProperties } from './common.js';

export const MAX_HTTP_LIMIT = 100;

export const feedParams = {
  type: 'object',
  properties: { userId: { ...ID_SCHEMA, description: 'the app\'s listener id, percent-encoded in the path (1-256 bytes of UTF-8, no control characters)' } },
  required: ['userId'],
} as const;

export const feedQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    surface: { type: 'string', enum: SURFACE_NAMES, default: 'home' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_HTTP_LIMIT, default: 30 },
    seedTrackId: { ...ID_SCHEMA, description: 'radio: the track to continue from (the app\'s track id)' },
    genres: { type: 'string', minLength: 1, maxLength: 2000, description: 'cold start: genre names picked at onboarding, comma-separated (e.g. "rock/indie rock,jazz"; GET /v1/genres lists them)' },
    market: { type: 'string', pattern: MARKET_CODE_PATTERN, description: 'market (ISO 3166-1 alpha-2) of a listener Encore does not know yet' },
    explicit: { type: 'boolean', description: 'false: a listener Encore does not know yet who wants no explicit tracks' },
    diversity: { type: 'boolean', default: true, description: 'false turns re-ranking rules off (debugging)' },
    at: { type: 'integer', minimum: 0, description: 'the client\'s clock in ms since the epoch (simulations, replays): session state and time features are read at this time instead of the server\'s; at most a day ahead of it' },
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
    ...trackRefProperties,
    score: { type: 'number' },
    sources: { type: 'array', items: { type: 'string' } },
    reason: { type: 'string' },
    exploration: { type: 'boolean' },
    propensity: { type: 'number', description: 'exploration slot only: log it with the impression event' },
  },
  required: [...TRACK_REF_REQUIRED, 'score', 'sources', 'reason'],
} as const;

export const feedResponse = {
  200: {
    type: 'object',
    properties: {
      requestId: { type: 'string' },
      surface: { type: 'string' },
      experiment: { type: 'string', description: 'present when the surface runs an experiment: log it with each impression' },
      variant: { type: 'string', description: "the listener's variant of that experiment: log it with each impression" },
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
