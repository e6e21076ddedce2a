import { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import type { ListenEvent } from '../domain/events.js';
import { Errors } from '../domain/errors.js';
import { foldEvents, groupByListener, withProfile } from './applyEvent.js';
import type { ListenerProfile, ListenerState, ListenerStateStore } from './interfaces.js';

// Compare-and-set of listeners' hashes: write a new state only if nobody changed it since we read
// version ARGV[i]. The event logic stays in TypeScript (applyEvent.ts, shared with the embedded
// backends) instead of being re-implemented in Lua; the scripts only make read-modify-write atomic.
// One script call covers a chunk of listeners (one round trip and one command instead of hundreds);
// on Redis Cluster the keys of one call would need a common hash tag.
const CAS_SCRIPT = `
local n = #KEYS
local out = {}
for i = 1, n do
  local v = redis.call('HGET', KEYS[i], 'v')
  if (v or '0') == ARGV[i] then
    redis.call('HSET', KEYS[i], 'v', tostring(tonumber(ARGV[i]) + 1), 's', ARGV[n + i])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out`;

const READ_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local r = redis.call('HMGET', KEYS[i], 'v', 's')
  out[i] = { r[1] or '0', r[2] or '' }
end
return out`;

type Fold = (userId: string, previous: ListenerState | null, events: readonly ListenEvent[]) => ListenerState;

/** Listeners per script call. */
const CHUNK = 500;

const MAX_CAS_ROUNDS = 50;

/** Longest wait for a feed's listener-state read before the feed goes on without it. */
export const REDIS_READ_TIMEOUT_MS = 100;
/** Longest wait for one update script call (a chunk of 500 listeners). */
export const REDIS_WRITE_TIMEOUT_MS = 2000;

/**
 * Distributed listener state on Redis (`redis://host:port[/db]?prefix=...`): one hash per listener,
 * `{v: version, s: msgpack state}`. A batch is applied with two script calls per 500 listeners (read
 * them all, then compare-and-set them all); listeners whose CAS lost a race with another replica are
 * re-read and retried, so concurrent replicas never lose an update.
 */
export class RedisListenerState implements ListenerStateStore {
  private casSha = '';
  private readSha = '';

  private constructor(
    private readonly redis: Redis,
    private readonly reader: Redis,
    readonly prefix: string,
  ) {}

  static async open(url: string, prefix: string): Promise<RedisListenerState> {
    // Fail fast while Redis is away (no offline queue, one retry, a command timeout): the feed then goes on
    // without fresh listener state (marked degraded) instead of waiting; ioredis reconnects by itself.
    // Feed reads get a short timeout on their own connection; batch updates a longer one.
    const client = (commandTimeout: number): Redis => {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout, connectTimeout: 2000 });
      r.on('error', () => undefined); // reported through the failing command instead
      return r;
    };
    const redis = client(REDIS_WRITE_TIMEOUT_MS);
    const reader = client(REDIS_READ_TIMEOUT_MS);
    try {
      await Promise.all([redis.connect(), reader.connect()]);
      const store = new RedisListenerState(redis, reader, prefix);
      await store.loadScript();
      return store;
    } catch (err) {
      redis.disconnect();
      reader.disconnect();
      throw Errors.storage(`cannot connect to Redis at ${url}: ${(err as Error).message}`);
    }
  }

  private async loadScript(): Promise<void> {
    this.casSha = (await this.redis.script('LOAD', CAS_SCRIPT)) as string;
    this.readSha = (await this.redis.script('LOAD', READ_SCRIPT)) as string;
  }

  private key(userId: string): string {
    return `${this.prefix}listener:${userId}`;
  }

  async get(userId: string): Promise<ListenerState | null> {
    const buf = await this.reader.hgetBuffer(this.key(userId), 's');
    return buf === null ? null : (unpack(buf) as ListenerState);
  }

  async apply(events: readonly ListenEvent[]): Promise<void> {
    await this.update([...groupByListener(events)], (userId, previous, list) => foldEvents(userId, previous, list));
  }

  async setProfile(userId: string, profile: ListenerProfile): Promise<void> {
    await this.update([[userId, []]], (id, previous) => withProfile(id, previous, profile));
  }

  async delete(userId: string): Promise<boolean> {
    return (await this.redis.del(this.key(userId))) > 0;
  }

  /** Read-modify-write of listeners with compare-and-set; losers of a race with another replica are retried. */
  private async update(listeners: [string, ListenEvent[]][], fold: Fold): Promise<void> {
    let pending = listeners;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_CAS_ROUNDS) throw Errors.storage(`listener state contention: ${pending.length} listeners not updated`);
      const retry: typeof pending = [];
      const chunks: Promise<void>[] = [];
      for (let from = 0; from < pending.length; from += CHUNK) {
        chunks.push(this.applyChunk(pending.slice(from, from + CHUNK), retry, fold));
      }
      await Promise.all(chunks);
      pending = retry;
    }
  }

  /** Reads a chunk of listeners, folds their events, and CASes them back; losers of a race go to `retry`. */
  private async applyChunk(chunk: [string, ListenEvent[]][], retry: [string, ListenEvent[]][], fold: Fold): Promise<void> {
    const keys = chunk.map(([userId]) => this.key(userId));
    const rows = (await this.script(() => this.readSha, keys, [])) as [Buffer, Buffer][];
    const versions: (string | Buffer)[] = [];
    const states: Buffer[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const [userId, list] = chunk[i]!;
      const [v, s] = rows[i]!;
      const previous = s.length === 0 ? null : (unpack(s) as ListenerState);
      versions.push(v);
      states.push(pack(fold(userId, previous, list)));
    }
    const won = (await this.script(() => this.casSha, keys, [...versions, ...states])) as number[];
    for (let i = 0; i < chunk.length; i++) if (won[i] !== 1) retry.push(chunk[i]!);
  }

  /** EVALSHA with the keys and args; reloads the scripts once if Redis restarted and forgot them. */
  private async script(sha: () => string, keys: string[], args: (string | Buffer)[]): Promise<unknown> {
    try {
      return await this.redis.callBuffer('EVALSHA', [sha(), keys.length, ...keys, ...args]);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw Errors.storage(`Redis: ${(err as Error).message}`);
      await this.loadScript();
      return this.redis.callBuffer('EVALSHA', [sha(), keys.length, ...keys, ...args]);
    }
  }

  /** Deletes every key under this store's prefix (tests use a fresh prefix per run). */
  async destroy(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await Promise.all([this.redis.quit().catch(() => this.redis.disconnect()), this.reader.quit().catch(() => this.reader.disconnect())]);
  }
}
