import { connect, createInbox, DeliverPolicy, headers, nanos, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection, type Subscription, type KV } from 'nats';
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
/** JetStream's answer to a publish. */
interface PubAck {
  readonly seq?: number;
  readonly duplicate?: boolean;
  readonly error?: { readonly description?: string };
}

const ACK_TIMEOUT_MS = 10_000;

export class NatsEventLog implements EventLog {
  // Acks are collected on one inbox subscription (reply subject = inbox.<n>) instead of one request per
  // message: nats.js's js.publish() costs a promise, a timer and a mux entry per event, which capped a
  // batch at ~10k events/s here; this keeps per-event Nats-Msg-Id dedupe at a fraction of the client CPU.
  private readonly inbox = createInbox();
  private readonly pendingAcks = new Map<number, (ack: PubAck) => void>();
  private nextAck = 0;
  private readonly acks: Subscription;
  private readonly decoder = new TextDecoder();
  private up = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    private readonly subject: string,
    private readonly ackTimeoutMs: number,
  ) {
    void this.followStatus();
    this.acks = nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (err !== null) return;
        const token = Number(msg.subject.slice(this.inbox.length + 1));
        const resolve = this.pendingAcks.get(token);
        if (resolve === undefined) return;
        this.pendingAcks.delete(token);
        let ack: PubAck;
        try {
          ack = JSON.parse(this.decoder.decode(msg.data)) as PubAck;
        } catch {
          ack = { error: { description: 'unreadable ack' } };
        }
        resolve(ack);
      },
    });
  }

  /** Tracks whether the connection is up, so an append while NATS is away fails at once (nothing buffered). */
  private async followStatus(): Promise<void> {
    for await (const st of this.nc.status()) {
      if (st.type === 'disconnect') this.up = false;
      else if (st.type === 'reconnect') this.up = true;
    }
  }

  /** Whether the connection to NATS is up now. */
  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  static async open(servers: string, stream: string, ackTimeoutMs = ACK_TIMEOUT_MS): Promise<NatsEventLog> {
    if (!/^[A-Za-z0-9_-]+$/.test(stream)) throw Errors.storage(`bad JetStream stream name "${stream}"`);
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, timeout: 2000, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
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
      return new NatsEventLog(nc, nc.jetstream(), jsm, stream, subject, ackTimeoutMs);
    } catch (err) {
      await nc.close();
      throw Errors.storage(`JetStream unavailable at ${servers}: ${(err as Error).message}`);
    }
  }

  async append(events: readonly ListenEvent[]): Promise<{ appended: number; duplicates: string[] }> {
    if (events.length === 0) return { appended: 0, duplicates: [] };
    // Published while disconnected, messages would wait in the client's reconnect buffer: an answer of
    // 503 now, with nothing published, is what a retrying client can rely on.
    if (!this.connected) throw Errors.storage('NATS is not connected; nothing was stored, retry the batch');
    const duplicates: string[] = [];
    let appended = 0;
    let failure: string | null = null;
    let remaining = events.length;
    const tokens = new Array<number>(events.length);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const t of tokens) this.pendingAcks.delete(t);
        failure = `no ack for ${remaining} of ${events.length} events within ${this.ackTimeoutMs} ms`;
        resolve();
      }, this.ackTimeoutMs);
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        const token = this.nextAck++;
        tokens[i] = token;
        this.pendingAcks.set(token, (ack) => {
          if (ack.error !== undefined || ack.seq === undefined) failure = ack.error?.description ?? 'bad ack';
          else if (ack.duplicate === true) duplicates.push(ev.eventId);
          else appended++;
          if (--remaining === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
        const h = headers();
        h.set('Nats-Msg-Id', ev.eventId);
        this.nc.publish(this.subject, pack(ev), { reply: `${this.inbox}.${token}`, headers: h });
      }
    });
    if (failure !== null) throw Errors.storage(`JetStream publish failed: ${failure}`);
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

  /** Tombstones live in a JetStream key-value bucket beside the stream, keyed by the base64url of the listener id. */
  private erasedBucket(): Promise<KV> {
    return this.js.views.kv(`${this.stream}_ERASED`, { history: 1, storage: StorageType.File });
  }

  async erase(userId: string): Promise<void> {
    try {
      await (await this.erasedBucket()).put(Buffer.from(userId, 'utf8').toString('base64url'), String(Date.now()));
    } catch (err) {
      throw Errors.storage(`JetStream: cannot record the erasure: ${(err as Error).message}`);
    }
  }

  async erasedListeners(): Promise<ReadonlySet<string>> {
    const out = new Set<string>();
    const kv = await this.erasedBucket();
    for await (const key of await kv.keys()) out.add(Buffer.from(key, 'base64url').toString('utf8'));
    return out;
  }

  /** Deletes the stream (tests use a fresh stream per run). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => undefined);
    await this.jsm.streams.delete(`KV_${this.stream}_ERASED`).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.acks.unsubscribe();
    await this.nc.drain().catch(() => this.nc.close());
  }
}
