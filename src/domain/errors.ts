// Coded errors (Fastify's FST_ERR_* pattern): thrown anywhere, mapped to HTTP once at the edge
// (src/server/errorHandler.ts). Expected outcomes are discriminated unions, not exceptions.
export class EncoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = 'EncoreError';
  }
}

type ErrorFactory<A extends unknown[]> = (...args: A) => EncoreError;
function coded<A extends unknown[]>(code: string, httpStatus: number, message: (...args: A) => string): ErrorFactory<A> {
  return (...args: A) => new EncoreError(code, message(...args), httpStatus);
}

export const Errors = {
  badRequest: coded('ENC_BAD_REQUEST', 400, (what: string) => what),
  unknownSurface: coded('ENC_UNKNOWN_SURFACE', 400, (s: string) => `unknown surface "${s}"`),
  unknownTrack: coded('ENC_UNKNOWN_TRACK', 404, (id: string) => `unknown track "${id}"`),
  notReady: coded('ENC_NOT_READY', 503, (why: string) => `service not ready: ${why}`),
  bundleRejected: coded('ENC_BUNDLE_REJECTED', 500, (why: string) => `model bundle rejected: ${why}`),
  formatMismatch: coded('ENC_FORMAT', 500, (file: string, why: string) => `${file}: ${why}`),
  importRow: coded('ENC_IMPORT_ROW', 400, (file: string, line: number, why: string) => `${file}:${line}: ${why}`),
  storage: coded('ENC_STORAGE', 503, (why: string) => `storage unavailable: ${why}`),
  // Access control and limits (src/server/plugins/auth.ts, src/server/plugins/limits.ts).
  unauthorized: coded('ENC_UNAUTHORIZED', 401, (why: string) => why),
  forbidden: coded('ENC_FORBIDDEN', 403, (scope: string) => `this API key lacks the "${scope}" scope`),
  keyInQuery: coded('ENC_KEY_IN_QUERY', 400, (param: string) =>
    `API keys are never accepted in the query string (got "${param}"); send "Authorization: Bearer <key>" or "x-api-key"`),
  rateLimited: coded('ENC_RATE_LIMITED', 429, (after: string) => `rate limit exceeded for this API key or address; retry in ${after}`),
  tooLarge: coded('ENC_TOO_LARGE', 413, (what: string) => what),
  urlTooLong: coded('ENC_URL_TOO_LONG', 414, (length: number, max: number) => `request URL is ${length} characters; at most ${max} are accepted`),
  unsupportedMedia: coded('ENC_UNSUPPORTED_MEDIA', 415, (type: string) => `content type "${type}" is not accepted; send application/json`),
  badJson: coded('ENC_BAD_JSON', 400, (why: string) => `request body is not valid JSON: ${why}`),
  overloaded: coded('ENC_OVERLOADED', 503, (why: string) => `overloaded, retry later: ${why}`),
  timeout: coded('ENC_TIMEOUT', 503, (ms: number) => `the request was not answered within ${ms} ms; retry it (posting the same eventIds again is safe)`),
} as const;
