import { open, type Database, type RootDatabase } from 'lmdb';
import type { ListenEvent } from '../domain/events.js';
import { Errors } from '../domain/errors.js';
import type { EventLog } from './interfaces.js';
import type { NatsEventLog } from './NatsEventLog.js';

/** Events forwarded per JetStream batch when the spool drains. */
const FORWARD_BATCH = 1000;

/**
 * The NATS event log with a durable local spool (`nats://host:port/STREAM?spool=DIR`): while NATS cannot
 * take a batch (disconnected, no ack in time), the batch goes into an LMDB spool under DIR, flushed to
 * disk before the answer, so it is acknowledged and survives kill -9. A forwarder publishes the spool
 * to JetStream, in order, once NATS is back (and at the next start), and removes what was acked.
 * Duplicates cannot arise: each message keeps `Nats-Msg-Id = eventId`, which JetStream drops within its
 * duplicate window (24 h, NATS_DEDUPE_WINDOW_MS) if it already has it, e.g. a batch whose acks timed out
 * after the server had stored it, or an entry forwarded twice by two processes sharing the spool.
 * While the spool holds anything, new batches are spooled behind it, so the stream keeps arrival order.
 * Spooled events are not yet visible to `read` (training reads the stream).
 */
export class SpooledEventLog implements EventLog {
  private forwarding: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly nats: NatsEventLog,
    private readonly root: RootDatabase,
    private readonly spool: Database<ListenEvent, number>,
    private readonly meta: Database<number, string>,
    forwardEveryMs: number,
  ) {
    this.timer = setInterval(() => void this.forward(), forwardEveryMs);
    this.timer.unref();
  }

  static open(nats: NatsEventLog, dir: string, forwardEveryMs = 500): SpooledEventLog {
    try {
      const root = open({ path: dir, compression: false });
      return new SpooledEventLog(nats, root, root.openDB<ListenEvent, number>({ name: 'spool' }), root.openDB<number, string>({ name: 'spool-meta' }), forwardEveryMs);
    } catch (err) {
      throw Errors.storage(`cannot open the event spool at ${dir}: ${(err as Error).message}`);
    }
  }

  /** Events waiting in the spool. */
  get spooled(): number {
    return this.spool.getCount();
  }

  async append(events: readonly ListenEvent[]): Promise<{ appended: number; duplicates: string[] }> {
    if (events.length === 0) return { appended: 0, duplicates: [] };
    if (this.spooled === 0 && this.nats.connected) {
      try {
        return await this.nats.append(events);
      } catch {
        // NATS could not take the batch: spool it (JetStream drops whatever of it had arrived on forward).
      }
    }
    await this.toSpool(events);
    void this.forward();
    return { appended: events.length, duplicates: [] };
  }

  private async toSpool(events: readonly ListenEvent[]): Promise<void> {
    await this.spool.transaction(() => {
      let next = this.meta.get('next') ?? 0;
      for (const ev of events) this.spool.put(next++, ev);
      this.meta.put('next', next);
    });
    await this.root.flushed; // durable before the answer: survives kill -9 and an OS crash
  }

  /** Publishes spooled events in order while NATS takes them; one forwarder at a time per process. */
  forward(): Promise<void> {
    if (this.forwarding !== null) return this.forwarding;
    this.forwarding = this.drain().finally(() => (this.forwarding = null));
    return this.forwarding;
  }

  private async drain(): Promise<void> {
    while (this.nats.connected) {
      const batch = [...this.spool.getRange({ limit: FORWARD_BATCH })];
      if (batch.length === 0) return;
      try {
        await this.nats.append(batch.map((e) => e.value));
      } catch {
        return; // still away: the next tick retries
      }
      await this.spool.transaction(() => {
        for (const { key } of batch) this.spool.remove(key);
      });
      await this.root.flushed;
    }
  }

  read(from: number, limit: number): Promise<{ events: ListenEvent[]; next: number }> {
    return this.nats.read(from, limit);
  }

  /** Erasure tombstones live in JetStream only (a 503 while NATS is away); readEvents skips spooled events of erased listeners too once forwarded. */
  erase(userId: string): Promise<void> {
    return this.nats.erase(userId);
  }

  erasedListeners(): Promise<ReadonlySet<string>> {
    return this.nats.erasedListeners();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.forwarding;
    await this.root.close();
    await this.nats.close();
  }
}
