// Maps errors to HTTP once, at the edge: coded EncoreErrors keep their status, schema validation errors
// become a 400 that names the field and what it must be; bad input never becomes a 5xx.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EncoreError, Errors } from '../domain/errors.js';

export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly error: string;
  readonly message: string;
}

interface ValidationIssue {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** "querystring/limit must be <= 100" -> "limit must be <= 100 (got 10000)", with allowed values for enums. */
function describeValidation(err: FastifyError, req: FastifyRequest): string {
  const issues = (err.validation ?? []) as readonly ValidationIssue[];
  const context = err.validationContext ?? 'request';
  const parts = issues.map((issue) => {
    let field = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (issue.keyword === 'required' && typeof issue.params?.missingProperty === 'string') field = issue.params.missingProperty;
    const where = field === '' ? context : field;
    let text = `${where} ${issue.keyword === 'required' ? 'is required' : (issue.message ?? 'is invalid')}`;
    if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) {
      text = `${where} must be one of ${(issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    if (issue.keyword === 'pattern' && field.toLowerCase().endsWith('userid')) text = `${where} must look like u123`;
    if (issue.keyword === 'pattern' && field.toLowerCase().endsWith('trackid')) text = `${where} must look like t123`;
    const source = (req as unknown as Record<string, unknown>)[context === 'querystring' ? 'query' : context];
    const got = field !== '' && source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[field] : undefined;
    if (Array.isArray(got) && context === 'querystring') text = `${where} is given ${got.length} times; give it once`;
    else if (got !== undefined && issue.keyword !== 'required') text += ` (got ${JSON.stringify(got).slice(0, 200)})`;
    return text;
  });
  return parts.length > 0 ? parts.join('; ') : err.message;
}

/** Fastify's own 4xx errors (body parsing, media type) as coded Encore errors with a message that says what to fix. */
function fromFastify(err: FastifyError): EncoreError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.tooLarge(`request body is larger than this route accepts (${err.message})`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.unsupportedMedia(/: (.*)$/.exec(err.message)?.[1] ?? 'unknown');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return Errors.badJson('the body is empty but content-type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return Errors.badJson(err.message);
    default:
      return err instanceof SyntaxError || (err as { name?: string }).name === 'SyntaxError' ? Errors.badJson(err.message) : null;
  }
}

function toBody(err: FastifyError, req: FastifyRequest): ErrorBody {
  if (err.validation) return { statusCode: 400, code: 'ENC_BAD_REQUEST', error: 'Bad Request', message: describeValidation(err, req) };
  const coded = err instanceof EncoreError ? err : fromFastify(err);
  if (coded !== null) return { statusCode: coded.httpStatus, code: coded.code, error: statusText(coded.httpStatus), message: coded.message };
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return { statusCode: err.statusCode, code: err.code ?? 'ENC_BAD_REQUEST', error: statusText(err.statusCode), message: err.message };
  }
  req.log.error({ err }, 'unhandled error');
  return { statusCode: 500, code: 'ENC_INTERNAL', error: 'Internal Server Error', message: 'internal error' };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const body = toBody(err, req);
    if (body.statusCode >= 500) req.log.warn({ code: body.code }, body.message);
    if ((body.statusCode === 429 || body.statusCode === 503) && !reply.hasHeader('retry-after')) void reply.header('retry-after', '1');
    void reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    // The path only: a query string is never echoed (it could carry something that must not be repeated).
    const path = req.url.split('?')[0]!.slice(0, 200);
    void reply.status(404).send({ statusCode: 404, code: 'ENC_NOT_FOUND', error: 'Not Found', message: `no route ${req.method} ${path}` });
  });
}

/** Fastify's `frameworkErrors`: a URL the router cannot take (bad percent-encoding, a too-long segment). */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const body: ErrorBody =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { statusCode: 414, code: 'ENC_URL_TOO_LONG', error: statusText(414), message: 'a path segment of the URL is too long (at most 1024 characters)' }
      : err.code === 'FST_ERR_BAD_URL'
        ? { statusCode: 400, code: 'ENC_BAD_URL', error: statusText(400), message: 'the URL path is not valid percent-encoded UTF-8' }
        : { statusCode: 400, code: 'ENC_BAD_REQUEST', error: statusText(400), message: err.message };
  void reply.status(body.statusCode).send(body);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
