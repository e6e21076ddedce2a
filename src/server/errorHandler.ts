// Maps errors to HTTP once, at the edge: coded EncoreErrors keep their status, schema validation errors
// become a 400 that names the field and what it must be; bad input never becomes a 5xx.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EncoreError } from '../domain/errors.js';

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
    const source = (req as unknown as Record<string, unknown>)[context];
    const got = field !== '' && source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[field] : undefined;
    if (got !== undefined && issue.keyword !== 'required') text += ` (got ${JSON.stringify(got)})`;
    return text;
  });
  return parts.length > 0 ? parts.join('; ') : err.message;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let body: ErrorBody;
    if (err.validation) {
      body = { statusCode: 400, code: 'ENC_BAD_REQUEST', error: 'Bad Request', message: describeValidation(err, req) };
    } else if (err instanceof EncoreError) {
      body = { statusCode: err.httpStatus, code: err.code, error: statusText(err.httpStatus), message: err.message };
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      body = { statusCode: err.statusCode, code: err.code ?? 'ENC_BAD_REQUEST', error: statusText(err.statusCode), message: err.message };
    } else {
      req.log.error({ err }, 'unhandled error');
      body = { statusCode: 500, code: 'ENC_INTERNAL', error: 'Internal Server Error', message: 'internal error' };
    }
    if (body.statusCode >= 500) req.log.warn({ code: body.code }, body.message);
    void reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ statusCode: 404, code: 'ENC_NOT_FOUND', error: 'Not Found', message: `no route ${req.method} ${req.url}` });
  });
}

function statusText(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 404:
      return 'Not Found';
    case 409:
      return 'Conflict';
    case 413:
      return 'Payload Too Large';
    case 415:
      return 'Unsupported Media Type';
    case 503:
      return 'Service Unavailable';
    default:
      return status >= 500 ? 'Internal Server Error' : 'Error';
  }
}
