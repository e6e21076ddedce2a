import { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import type { ListenEvent } from '../domain/events.js';
import { Errors } from '../domain/errors.js';
import { foldEvents, groupByListener } from './applyEvent.js';
import type { ListenerState, ListenerStateStore } from './interfaces.js';

// Compare-and-set of one listener's hash: write the new state only if nobody changed it since we read
// version ARGV[1]. The event logic stays in TypeScript (applyEvent.ts, shared with the embedded
// backends) instead of being re-implemented in Lua; the script only makes read-modify-write atomic.
const CAS_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[1]) + 1), 's', ARGV[2])
  return 1
end
return 0`;

const MAX_CAS_ROUNDS = 50;

/**
 * Distributed listener state on Redis (`redis://host:port[/db]?prefix=...`): one hash per listener,
 * `{v: version, s: msgpack state}`. A batch is applied with two pipelined round trips (read all the
 * listeners it touches, then one CAS script per listener); listeners whose CAS lost a race with another
 * replica are re-read and retried, so concurrent replicas never lose an update.
 */
export class RedisListenerState implements ListenerStateStore {
  private casSha = '';

  private constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  static async open(url: string, prefix: string): Promise<RedisListenerState> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
    redis.on('error', () => undefined); // reported through the failing command instead
    try {
      await redis.connect();
      const store = new RedisListenerState(redis, prefix);
      await store.loadScript();
      return store;
    } catch (err) {
      redis.disconnect();
      throw Errors.storage(`cannot connect to Redis at ${url}: ${(err as Error).message}`);
    }
  }

  private async loadScript(): Promise<void> {
    this.casSha = (await this.redis.script('LOAD', CAS_SCRIPT)) as string;
  }

  private key(userId: string): string {
    return `${this.prefix}listener:${userId}`;
  }

  async get(userId: string): Promise<ListenerState | null> {
    const buf = await this.redis.hgetBuffer(this.key(userId), 's');
    return buf === null ? null : (unpack(buf) as ListenerState);
  }

  async apply(events: readonly ListenEvent[]): Promise<void> {
    let pending = [...groupByListener(events)];
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_CAS_ROUNDS) throw Errors.storage(`listener state contention: ${pending.length} listeners not updated`);
      const read = this.redis.pipeline();
      for (const [userId] of pending) read.hmgetBuffer(this.key(userId), 'v', 's');
      const rows = await read.exec();
      const write = this.redis.pipeline();
      for (let i = 0; i < pending.length; i++) {
        const [userId, list] = pending[i]!;
        const row = rows?.[i];
        if (row === undefined || row[0] !== null) throw Errors.storage(`Redis read failed: ${String(row?.[0])}`);
        const [v, s] = row[1] as [Buffer | null, Buffer | null];
        const previous = s === null ? null : (unpack(s) as ListenerState);
        write.evalsha(this.casSha, 1, this.key(userId), v === null ? '0' : v.toString(), pack(foldEvents(userId, previous, list)));
      }
      const results = await write.exec();
      const retry: typeof pending = [];
      for (let i = 0; i < pending.length; i++) {
        const r = results?.[i];
        if (r === undefined) throw Errors.storage('Redis write failed');
        if (r[0] !== null) {
          // Redis restarted and forgot the script: load it again and retry this listener.
          if (String((r[0] as Error).message).includes('NOSCRIPT')) {
            await this.loadScript();
            retry.push(pending[i]!);
            continue;
          }
          throw Errors.storage(`Redis write failed: ${(r[0] as Error).message}`);
        }
        if (r[1] !== 1) retry.push(pending[i]!);
      }
      pending = retry;
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
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
