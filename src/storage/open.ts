import type { MutableCatalog } from '../catalog/MutableCatalog.js';
import type { ListenEvent } from '../domain/events.js';
import { FileCatalogJournal, localCatalogChanges, NatsCatalogFeed, type CatalogChangeRouter } from './CatalogChanges.js';
import { Errors } from '../domain/errors.js';
import type { EventLog, ListenerStateStore } from './interfaces.js';
import { LmdbEventLog } from './LmdbEventLog.js';
import { LmdbListenerState } from './LmdbListenerState.js';
import { MemoryEventLog } from './MemoryEventLog.js';
import { MemoryListenerState } from './MemoryListenerState.js';
import { NatsEventLog } from './NatsEventLog.js';
import { RedisListenerState } from './RedisListenerState.js';
import { SpooledEventLog } from './SpooledEventLog.js';
import { checkLmdbEventLog } from './checkLmdbEventLog.js';

// Backends are opened by URL scheme (Gorse's storage.Open):
//   event log:      lmdb://<dir>   memory://   nats://host:port[/STREAM][?spool=DIR]  (default stream ENCORE_EVENTS)
//   listener state: lmdb://<dir>   memory://   redis://host:port[/db][?prefix=encore:]
// lmdb://data/events is relative to the working directory; lmdb:///abs/dir is absolute.

export const DEFAULT_NATS_STREAM = 'ENCORE_EVENTS';
export const DEFAULT_REDIS_PREFIX = 'encore:';
/** With a spool, a batch NATS has not acked within this long is spooled instead. */
const SPOOL_ACK_TIMEOUT_MS = 2000;

function scheme(url: string): string {
  const at = url.indexOf('://');
  if (at <= 0) throw Errors.badRequest(`storage URL "${url}" has no scheme (expected lmdb://, memory://, redis:// or nats://)`);
  return url.slice(0, at).toLowerCase();
}

function lmdbPath(url: string): string {
  const path = url.slice('lmdb://'.length);
  if (path.length === 0) throw Errors.badRequest(`storage URL "${url}" names no directory`);
  return path;
}

/** Splits `nats://host:port/STREAM` into the server address and the stream name. */
export function parseNatsUrl(url: string): { servers: string; stream: string } {
  const u = new URL(url);
  const stream = decodeURIComponent(u.pathname.replace(/^\/+/, '')) || DEFAULT_NATS_STREAM;
  return { servers: `${u.hostname}:${u.port || '4222'}`, stream };
}

/** Splits `redis://host:port/db?prefix=p` into the ioredis URL and the key prefix. */
export function parseRedisUrl(url: string): { url: string; prefix: string } {
  const u = new URL(url);
  const prefix = u.searchParams.get('prefix') ?? DEFAULT_REDIS_PREFIX;
  u.searchParams.delete('prefix');
  return { url: u.toString(), prefix };
}

export async function openEventLog(url: string): Promise<EventLog> {
  switch (scheme(url)) {
    case 'lmdb':
      await checkLmdbEventLog(lmdbPath(url)); // a damaged log is refused with a message, not a crash
      return LmdbEventLog.open(lmdbPath(url));
    case 'memory':
      return new MemoryEventLog();
    case 'nats': {
      const { servers, stream } = parseNatsUrl(url);
      // ?spool=DIR: a durable local spool takes batches while NATS is away (SpooledEventLog).
      const spool = new URL(url).searchParams.get('spool');
      if (spool === null || spool === '') return NatsEventLog.open(servers, stream);
      return SpooledEventLog.open(await NatsEventLog.open(servers, stream, SPOOL_ACK_TIMEOUT_MS), spool);
    }
    default:
      throw Errors.badRequest(`no event log backend for "${url}" (use lmdb://, memory:// or nats://)`);
  }
}

export async function openListenerState(url: string): Promise<ListenerStateStore> {
  switch (scheme(url)) {
    case 'lmdb':
      return LmdbListenerState.open(lmdbPath(url));
    case 'memory':
      return new MemoryListenerState();
    case 'redis': {
      const { url: redisUrl, prefix } = parseRedisUrl(url);
      return RedisListenerState.open(redisUrl, prefix);
    }
    default:
      throw Errors.badRequest(`no listener state backend for "${url}" (use lmdb://, memory:// or redis://)`);
  }
}

/** Reads a whole event log in append order, page by page, without erased listeners (for `encore train --events-log URL`). */
export async function* readEvents(log: EventLog, pageSize = 10_000): AsyncGenerator<ListenEvent[]> {
  let from = 0;
  const erased = await log.erasedListeners();
  for (;;) {
    const page = await log.read(from, pageSize);
    if (page.events.length === 0) return;
    yield erased.size === 0 ? (page.events as ListenEvent[]) : page.events.filter((e) => !erased.has(e.userId));
    from = page.next;
  }
}

/** Opens the event log at `url`, yields every event in pages, and closes it. */
export async function* readAllEvents(url: string, pageSize = 10_000): AsyncGenerator<ListenEvent[]> {
  const log = await openEventLog(url);
  try {
    yield* readEvents(log, pageSize);
  } finally {
    await log.close();
  }
}

/**
 * Makes PUT /v1/tracks changes durable and shared, next to the event log named by `eventsUrl`:
 * lmdb://<path> -> fsynced journal <path>-catalog-changes.jsonl, replayed now;
 * nats://host:port/STREAM -> JetStream stream STREAM_CATALOG, replayed now and followed live;
 * memory:// -> in memory only. Call once at start, before serving.
 */
export async function attachCatalogChanges(eventsUrl: string, catalog: MutableCatalog): Promise<CatalogChangeRouter> {
  let router: CatalogChangeRouter;
  switch (scheme(eventsUrl)) {
    case 'lmdb':
      router = (await FileCatalogJournal.open(`${lmdbPath(eventsUrl).replace(/\/+$/, '')}-catalog-changes.jsonl`, catalog)).journal;
      break;
    case 'nats': {
      const { servers, stream } = parseNatsUrl(eventsUrl);
      router = await NatsCatalogFeed.open(servers, `${stream}_CATALOG`, catalog);
      break;
    }
    default:
      router = localCatalogChanges;
  }
  catalog.useChangeRouter(router);
  return router;
}
