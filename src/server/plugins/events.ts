import type { FastifyPluginAsync } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Catalog } from '../../catalog/Catalog.js';
import type { ListenEvent } from '../../domain/events.js';
import { EncoreError, Errors } from '../../domain/errors.js';
import type { EventLog, ListenerStateStore } from '../../storage/interfaces.js';
import { validateEvent } from '../../storage/validateEvent.js';
import type { Logger } from '../deps.js';

/** What the events plugin uses from AppDeps (AppDeps satisfies it). */
export interface EventsDeps {
  readonly catalog: Catalog;
  readonly eventLog: EventLog;
  readonly listenerState: ListenerStateStore;
  readonly metrics?: Registry;
  readonly logger?: Logger;
}

export interface EventsPluginOptions {
  readonly deps: EventsDeps;
}

export const MAX_EVENTS_PER_BATCH = 1000;

export interface EventsResponse {
  /** Newly stored events (durable: they survive kill -9 once this response is sent). */
  readonly accepted: string[];
  /** eventIds stored before (by an earlier request, another replica, or earlier in this batch): durable too. */
  readonly duplicates: string[];
  readonly rejected: { index: number; eventId?: string; reason: string }[];
}

const bodySchema = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: {
    events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, items: {} },
  },
} as const;

const responseSchema = {
  type: 'object',
  required: ['accepted', 'duplicates', 'rejected'],
  properties: {
    accepted: { type: 'array', items: { type: 'string' } },
    duplicates: { type: 'array', items: { type: 'string' } },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'reason'],
        properties: { index: { type: 'integer' }, eventId: { type: 'string' }, reason: { type: 'string' } },
      },
    },
  },
} as const;

function metric<T>(registry: Registry | undefined, name: string, make: (registers: Registry[]) => T): T {
  const existing = registry?.getSingleMetric(name);
  return (existing as T | undefined) ?? make(registry === undefined ? [] : [registry]);
}

/**
 * POST /v1/events: a batch of 1..1000 listening events.
 *
 * - 400: the envelope is malformed (not `{events: [...]}` with 1..1000 entries); nothing is stored.
 * - 200: the envelope is well formed. Each event is validated on its own; the answer lists the
 *   `accepted` eventIds, the `duplicates` (already stored, so retrying a batch is safe) and, for each
 *   rejected event, its `index` and `reason`. Accepted events are appended to the durable event log
 *   (awaited) BEFORE they are applied to the online listener state and before the answer is sent.
 * - 503: the event log is unavailable; nothing of the batch is stored, retry it.
 */
export const eventsPlugin: FastifyPluginAsync<EventsPluginOptions> = async (app, opts) => {
  const { catalog, eventLog, listenerState, logger } = opts.deps;
  const events = metric(opts.deps.metrics, 'encore_events_total', (registers) =>
    new Counter({ name: 'encore_events_total', help: 'Events posted, by outcome', labelNames: ['outcome'], registers }),
  );
  const appendSeconds = metric(opts.deps.metrics, 'encore_event_log_append_seconds', (registers) =>
    new Histogram({ name: 'encore_event_log_append_seconds', help: 'Durable append of one batch', buckets: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1], registers }),
  );

  app.post<{ Body: { events: unknown[] } }>(
    '/v1/events',
    {
      bodyLimit: 8 * 1024 * 1024,
      config: { scope: 'events' },
      schema: {
        summary: 'Post a batch of 1..1000 listening events (idempotent by eventId; accepted = durable)',
        description:
          'Each event is validated on its own: the answer lists accepted eventIds, duplicates (stored before; retrying is safe) and each rejected event with its index and reason. 400 only for a malformed envelope; 503 when the event log is unavailable (nothing stored).',
        tags: ['events'],
        body: bodySchema,
        response: { 200: responseSchema },
      },
    },
    async (req): Promise<EventsResponse> => {
      const { valid, rejected } = validateBatch(req.body.events, catalog, Date.now());
      const { unique, repeated } = firstOfEachId(valid);
      let storedBefore: readonly string[] = [];
      if (unique.length > 0) {
        const end = appendSeconds.startTimer();
        try {
          storedBefore = (await eventLog.append(unique)).duplicates;
        } catch (err) {
          throw err instanceof EncoreError ? err : Errors.storage(`event log: ${(err as Error).message}`);
        } finally {
          end();
        }
      }
      const before = new Set(storedBefore);
      const fresh = unique.filter((ev) => !before.has(ev.eventId));
      const duplicates = [...repeated, ...unique.filter((ev) => before.has(ev.eventId)).map((ev) => ev.eventId)];
      if (fresh.length > 0) {
        try {
          await listenerState.apply(fresh);
        } catch (err) {
          // The events are durable in the log; only the online state lags. Report it, don't fail the batch.
          logger?.error({ err, events: fresh.length }, 'listener state update failed; events are stored in the log');
          events.inc({ outcome: 'state_failed' }, fresh.length);
        }
      }
      events.inc({ outcome: 'accepted' }, fresh.length);
      events.inc({ outcome: 'duplicate' }, duplicates.length);
      events.inc({ outcome: 'rejected' }, rejected.length);
      return { accepted: fresh.map((ev) => ev.eventId), duplicates, rejected };
    },
  );
};

/** Each entry of the batch checked on its own: the valid events, and per rejected entry its index, eventId and reason. */
function validateBatch(raw: readonly unknown[], catalog: Catalog, now: number): { valid: ListenEvent[]; rejected: EventsResponse['rejected'] } {
  const valid: ListenEvent[] = [];
  const rejected: EventsResponse['rejected'] = [];
  for (let i = 0; i < raw.length; i++) {
    const check = validateEvent(raw[i], catalog, now);
    if (check.kind === 'ok') valid.push(check.event);
    else {
      const id = (raw[i] as { eventId?: unknown } | null)?.eventId;
      rejected.push(typeof id === 'string' ? { index: i, eventId: id, reason: check.reason } : { index: i, reason: check.reason });
    }
  }
  return { valid, rejected };
}

/** Repeats inside the batch settled before the log sees it, so the log's duplicates are exactly "stored before". */
function firstOfEachId(valid: readonly ListenEvent[]): { unique: ListenEvent[]; repeated: string[] } {
  const unique: ListenEvent[] = [];
  const repeated: string[] = [];
  const seen = new Set<string>();
  for (const ev of valid) {
    if (seen.has(ev.eventId)) repeated.push(ev.eventId);
    else {
      seen.add(ev.eventId);
      unique.push(ev);
    }
  }
  return { unique, repeated };
}
