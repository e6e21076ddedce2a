import fs from 'node:fs';
import path from 'node:path';
import { connect, DeliverPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import { pack, unpack } from 'msgpackr';
import type { MutableCatalog, TrackUpsert, UpsertResult } from '../catalog/MutableCatalog.js';
import { Errors } from '../domain/errors.js';

// Catalog changes (PUT /v1/tracks) must outlive the process and, when scaled out, reach every replica.
// A router decides how a batch of upserts is applied:
//   - local (no log):     applied in memory only (tests, demos)
//   - FileCatalogJournal: applied locally, then appended to a JSON-lines journal and fsynced before the
//                         answer; replayed into the catalog at start (embedded default, next to LMDB)
//   - NatsCatalogFeed:    published to a JetStream stream; EVERY replica (the sender too) applies the
//                         stream in order, so new dense track ids are given out identically everywhere.
//                         The sender answers with the results its own applier computed for its message.

export interface CatalogChangeRouter {
  submit(catalog: MutableCatalog, upserts: readonly TrackUpsert[]): Promise<UpsertResult[]>;
  close(): Promise<void>;
}

export const localCatalogChanges: CatalogChangeRouter = {
  submit: async (catalog, upserts) => upserts.map((u) => catalog.upsert(u)),
  close: async () => undefined,
};

/** Embedded: an append-only, fsynced JSON-lines journal of accepted upserts. */
export class FileCatalogJournal implements CatalogChangeRouter {
  private constructor(
    private readonly fd: number,
    readonly file: string,
  ) {}

  /** Opens (creating) the journal and replays it into `catalog`; returns how many upserts were replayed. */
  static open(file: string, catalog: MutableCatalog): { journal: FileCatalogJournal; replayed: number } {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let replayed = 0;
    if (fs.existsSync(file)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.length === 0) continue;
        let upserts: TrackUpsert[];
        try {
          upserts = JSON.parse(line) as TrackUpsert[];
        } catch {
          // Only the last line can be torn (a crash mid-append); that batch was never acknowledged.
          if (i >= lines.length - 2) break;
          throw Errors.formatMismatch(file, `line ${i + 1} is not JSON`);
        }
        for (const u of upserts) catalog.upsert(u);
        replayed += upserts.length;
      }
    }
    return { journal: new FileCatalogJournal(fs.openSync(file, 'a'), file), replayed };
  }

  async submit(catalog: MutableCatalog, upserts: readonly TrackUpsert[]): Promise<UpsertResult[]> {
    const results = upserts.map((u) => catalog.upsert(u));
    const applied = upserts.filter((_, i) => results[i]!.kind !== 'rejected');
    if (applied.length > 0) {
      const line = Buffer.from(`${JSON.stringify(applied)}\n`);
      await new Promise<void>((resolve, reject) => fs.write(this.fd, line, (err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve, reject) => fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
    }
    return results;
  }

  async close(): Promise<void> {
    fs.closeSync(this.fd);
  }
}

/** Distributed: one JetStream stream of upsert batches, applied in stream order by every replica. */
export class NatsCatalogFeed implements CatalogChangeRouter {
  private applied = 0;
  private readonly results = new Map<number, { results: UpsertResult[]; at: number }>();
  private readonly waiters = new Map<number, () => void>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    readonly stream: string,
    private readonly subject: string,
  ) {}

  /** Connects, replays every change already in the stream into `catalog`, then follows new ones. */
  static async open(servers: string, stream: string, catalog: MutableCatalog): Promise<NatsCatalogFeed> {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, timeout: 2000, maxReconnectAttempts: -1 });
    } catch (err) {
      throw Errors.storage(`cannot connect to NATS at ${servers}: ${(err as Error).message}`);
    }
    const jsm = await nc.jetstreamManager();
    const subject = `encore.catalog.${stream}`;
    let last = 0;
    try {
      last = (await jsm.streams.info(stream)).state.last_seq;
    } catch {
      await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File });
    }
    const feed = new NatsCatalogFeed(nc, nc.jetstream(), stream, subject);
    await feed.follow(catalog);
    await feed.waitApplied(last);
    return feed;
  }

  private stopped = false;

  // A pull loop (fetch) rather than consume(): consume() on an ordered consumer stalls against
  // nats-server 2.9. After an error (server restart, ...) the loop re-creates the consumer after the
  // last applied sequence, so no change is applied twice or skipped.
  private async follow(catalog: MutableCatalog): Promise<void> {
    void (async () => {
      while (!this.stopped) {
        try {
          const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.applied + 1 });
          while (!this.stopped) {
            const batch = await consumer.fetch({ max_messages: 256, expires: 1000 });
            for await (const m of batch) {
              if (m.seq <= this.applied) continue;
              this.applyMessage(catalog, m.seq, unpack(m.data) as TrackUpsert[]);
            }
          }
        } catch {
          if (!this.stopped) await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
  }

  private applyMessage(catalog: MutableCatalog, seq: number, upserts: TrackUpsert[]): void {
    const results = upserts.map((u) => catalog.upsert(u));
    this.applied = seq;
    const now = Date.now();
    this.results.set(seq, { results, at: now });
    for (const [s, r] of this.results) if (now - r.at > 60_000) this.results.delete(s);
    for (const [s, wake] of this.waiters) if (s <= seq) wake();
  }

  private waitApplied(seq: number): Promise<void> {
    if (this.applied >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(seq);
        reject(Errors.storage(`catalog change ${seq} not applied within 10 s`));
      }, 10_000);
      this.waiters.set(seq, () => {
        clearTimeout(timer);
        this.waiters.delete(seq);
        resolve();
      });
    });
  }

  async submit(_catalog: MutableCatalog, upserts: readonly TrackUpsert[]): Promise<UpsertResult[]> {
    const ack = await this.js.publish(this.subject, pack(upserts));
    await this.waitApplied(ack.seq);
    const r = this.results.get(ack.seq);
    if (r === undefined) throw Errors.storage(`results of catalog change ${ack.seq} are gone`);
    this.results.delete(ack.seq);
    return r.results;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.nc.drain().catch(() => this.nc.close());
  }
}
