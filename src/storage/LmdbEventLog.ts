import { open, type Database, type RootDatabase } from 'lmdb';
import type { ListenEvent } from '../domain/events.js';
import { Errors } from '../domain/errors.js';
import type { EventLog } from './interfaces.js';

/**
 * Embedded, durable event log (`lmdb://dir`). Events are stored under dense sequence numbers
 * (0, 1, 2, ...) in append order; a second database maps eventId -> sequence so a repeated eventId is
 * recognised and not appended twice (idempotency). `append` resolves only after the write transaction
 * is committed and flushed to disk, so an accepted event survives kill -9 (and a machine crash).
 */
export class LmdbEventLog implements EventLog {
  private constructor(
    private readonly root: RootDatabase,
    private readonly events: Database<ListenEvent, number>,
    private readonly ids: Database<number, string>,
    private readonly meta: Database<number, string>,
    private readonly erased: Database<number, string>,
  ) {}

  static open(dir: string): LmdbEventLog {
    try {
      const root = open({ path: dir, compression: false });
      const events = root.openDB<ListenEvent, number>({ name: 'events' });
      const ids = root.openDB<number, string>({ name: 'event-ids' });
      const meta = root.openDB<number, string>({ name: 'event-meta' });
      const erased = root.openDB<number, string>({ name: 'erased-listeners' });
      return new LmdbEventLog(root, events, ids, meta, erased);
    } catch (err) {
      throw Errors.storage(`cannot open LMDB event log at ${dir}: ${(err as Error).message}`);
    }
  }

  /** The underlying LMDB environment (the embedded listener state can live in the same one). */
  get environment(): RootDatabase {
    return this.root;
  }

  async append(events: readonly ListenEvent[]): Promise<{ appended: number; duplicates: string[] }> {
    if (events.length === 0) return { appended: 0, duplicates: [] };
    const duplicates: string[] = [];
    let appended = 0;
    // The callback runs inside the write transaction, so the next sequence number and the id checks
    // see every earlier commit, including those of other processes sharing the file.
    await this.events.transaction(() => {
      let next = this.meta.get('next') ?? 0;
      const seenInBatch = new Set<string>();
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        if (seenInBatch.has(ev.eventId) || this.ids.get(ev.eventId) !== undefined) {
          duplicates.push(ev.eventId);
          continue;
        }
        seenInBatch.add(ev.eventId);
        this.events.put(next, ev);
        this.ids.put(ev.eventId, next);
        next++;
        appended++;
      }
      this.meta.put('next', next);
    });
    await this.root.flushed;
    return { appended, duplicates };
  }

  async read(from: number, limit: number): Promise<{ events: ListenEvent[]; next: number }> {
    const out: ListenEvent[] = [];
    let next = from;
    for (const { key, value } of this.events.getRange({ start: from, limit })) {
      out.push(value);
      next = key + 1;
    }
    return { events: out, next };
  }

  async erase(userId: string): Promise<void> {
    await this.erased.put(userId, Date.now());
    await this.root.flushed;
  }

  async erasedListeners(): Promise<ReadonlySet<string>> {
    const out = new Set<string>();
    for (const key of this.erased.getKeys()) out.add(key);
    return out;
  }

  /** Number of events appended so far. */
  size(): number {
    return this.meta.get('next') ?? 0;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
