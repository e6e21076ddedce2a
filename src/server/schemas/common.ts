// JSON schemas shared by every route (responses are serialised from these, so they list every field).
export const errorSchema = {
  $id: 'EncoreError',
  type: 'object',
  description: 'Every 4xx/5xx answer',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'stable error code, e.g. ENC_BAD_REQUEST' },
    error: { type: 'string' },
    message: { type: 'string', description: 'what is wrong, for a person' },
  },
  required: ['statusCode', 'code', 'error', 'message'],
} as const;

export const errorResponses = {
  400: { $ref: 'EncoreError#' },
  404: { $ref: 'EncoreError#' },
  503: { $ref: 'EncoreError#' },
} as const;

/** The fields that name a track in every response (feed items, track views): the app's ids and display names. */
export const trackRefProperties = {
  trackId: { type: 'string' },
  title: { type: 'string' },
  artistId: { type: 'string' },
  artist: { type: 'string' },
  albumId: { type: 'string' },
  album: { type: 'string' },
} as const;
export const TRACK_REF_REQUIRED = ['trackId', 'title', 'artistId', 'artist', 'albumId', 'album'] as const;
