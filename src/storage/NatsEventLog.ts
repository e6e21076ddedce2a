import { connect, DeliverPolicy, nanos, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { pack, unpack } from 'msgpackr';
import type { ListenEvent } from '../domain/events.js';
import { Errors } from '../domain/errors.js';
import type { EventLog } from './interfaces.js';

/** How long JetStream remembers an eventId for deduplication (its "duplicate window"). */
export const NATS_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Distributed, durable event log on a NATS JetStream stream (`nats://host:port/STREAM`).
 * Each event is one message published with `Nats-Msg-Id = eventId`: JetStream drops a repeat within the
 * duplicate window (24 h) and says so in its ack, which is how idempotency works across replicas.
 * `append` resolves only after every message is acknowledged, i.e. stored by the server (file storage),
 * so an accepted event survives kill -9 of the service. Sequence numbers are the stream's minus one.
 */
export class NatsEventLog implements EventLog {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    private readonly subject: string,
  ) {}

  static async open(servers: string, stream: string): Promise<NatsEventLog> {
    if (!/^[A-Za-z0-9_-]+$/.test(stream)) throw Errors.storage(`bad JetStream stream name "${stream}"`);
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, timeout: 2000, maxReconnectAttempts: -1 });
    } catch (err) {
      throw Errors.storage(`cannot connect to NATS at ${servers}: ${(err as Error).message}`);
    }
    try {
      const jsm = await nc.jetstreamManager();
      const subject = `encore.events.${stream}`;
      try {
        await jsm.streams.info(stream);
      } catch {
        await jsm.streams.add({
          name: stream,
          subjects: [subject],
          storage: StorageType.File,
          duplicate_window: nanos(NATS_DEDUPE_WINDOW_MS),
        });
      }
      return new NatsEventLog(nc, nc.jetstream(), jsm, stream, subject);
    } catch (err) {
      await nc.close();
      throw Errors.storage(`JetStream unavailable at ${servers}: ${(err as Error).message}`);
    }
  }

  async append(events: readonly ListenEvent[]): Promise<{ appended: number; duplicates: string[] }> {
    const duplicates: string[] = [];
    // Publish the whole batch before awaiting: the acks come back pipelined on one connection.
    const acks = new Array<Promise<{ duplicate: boolean }>>(events.length);
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      acks[i] = this.js.publish(this.subject, pack(ev), { msgID: ev.eventId });
    }
    let appended = 0;
    let failure: unknown = null;
    const results = await Promise.allSettled(acks);
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (r.status === 'rejected') failure = r.reason;
      else if (r.value.duplicate) duplicates.push(events[i]!.eventId);
      else appended++;
    }
    if (failure !== null) throw Errors.storage(`JetStream publish failed: ${(failure as Error).message ?? String(failure)}`);
    return { appended, duplicates };
  }

  async read(from: number, limit: number): Promise<{ events: ListenEvent[]; next: number }> {
    const info = await this.jsm.streams.info(this.stream);
    const lastSeq = info.state.last_seq;
    const start = Math.max(from + 1, info.state.first_seq);
    const want = Math.min(limit, lastSeq - start + 1);
    if (want <= 0) return { events: [], next: Math.max(from, lastSeq) };
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
    const out: ListenEvent[] = [];
    let next = from;
    try {
      while (out.length < want) {
        const batch = await consumer.fetch({ max_messages: want - out.length, expires: 2000 });
        let got = 0;
        for await (const m of batch) {
          out.push(unpack(m.data) as ListenEvent);
          next = m.seq;
          got++;
          if (out.length >= want) break;
        }
        if (got === 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return { events: out, next };
  }

  /** Deletes the stream (tests use a fresh stream per run). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}
