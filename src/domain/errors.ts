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
} as const;
