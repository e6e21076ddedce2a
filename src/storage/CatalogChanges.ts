import fs from 'node:fs';
import path from 'node:path';
import { connect, DeliverPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import { pack, unpack } from 'msgpackr';
import type { MutableCatalog, TrackUpsert, UpsertResult } from '../catalog/MutableCatalog.js';
import { Errors } from '../domain/errors.js';

// Catalog changes (PUT /v1/tracks) must outlive the process and, when scaled out, reach every replica.
// A router decides how a batch of upserts is applied:
//   - local (no log):     applied in memory only (tests, demos)
//   - FileCatalogJournal: appended to a JSON-lines journal (fsynced before the answer) that every process
//                         on the same data directory applies in file order; replayed at start (embedded)
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

interface JournalLine {
  readonly w: string; // writer (process) id
  readonly n: number; // the writer's batch number
  readonly u: readonly TrackUpsert[];
}

/**
 * Embedded: an append-only, fsynced JSON-lines journal of upsert batches, shared by every process that
 * serves from the same data directory (`encore serve --workers N`). Like the NATS feed, the journal's
 * order decides: a batch is appended first (O_APPEND, one write, fdatasync), then every process applies
 * the journal in file order (the writer too, answering with the results of its own line), so dense ids
 * come out the same everywhere. Other processes pick changes up by polling the file (every 100 ms).
 * Each line starts with a newline, so a line torn by a crash never swallows the next writer's line.
 */
export class FileCatalogJournal implements CatalogChangeRouter {
  private offset = 0;
  private partial = '';
  private batchNo = 0;
  private readonly writer = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  private readonly results = new Map<number, UpsertResult[]>();
  private timer: NodeJS.Timeout | null = null;
  private readonly readFd: number;

  private constructor(
    private readonly fd: number,
    readonly file: string,
    private readonly catalog: MutableCatalog,
    pollMs: number,
  ) {
    this.readFd = fs.openSync(file, 'r');
    if (pollMs > 0) {
      const tick = (): void => {
        // A bad line is skipped inside catchUp; an I/O error is retried on the next tick.
        void this.catchUp()
          .catch(() => 0)
          .finally(() => {
            if (this.timer !== null) this.timer = setTimeout(tick, pollMs).unref();
          });
      };
      this.timer = setTimeout(tick, pollMs).unref();
    }
  }

  /** Opens (creating) the journal, replays it into `catalog` and follows other processes' changes. */
  static async open(file: string, catalog: MutableCatalog, pollMs = 100): Promise<{ journal: FileCatalogJournal; replayed: number }> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, 'a');
    const journal = new FileCatalogJournal(fd, file, catalog, pollMs);
    const replayed = await journal.catchUp();
    return { journal, replayed };
  }

  private chain: Promise<unknown> = Promise.resolve();

  /** Applies every complete line past the last one applied, one caller at a time (file order is kept). */
  private catchUp(): Promise<number> {
    const next = this.chain.then(() => this.catchUpOnce());
    this.chain = next.catch(() => 0);
    return next;
  }

  private async catchUpOnce(): Promise<number> {
    const size = fs.fstatSync(this.readFd).size;
    if (size <= this.offset) return 0;
    const buf = Buffer.alloc(size - this.offset);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(this.readFd, buf, got, buf.length - got, this.offset + got);
      if (n === 0) break;
      got += n;
    }
    this.offset += got;
    const text = this.partial + buf.subarray(0, got).toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    let applied = 0;
    for (const raw of lines) {
      if (raw.length === 0) continue;
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
      } catch {
        continue; // torn by a crash mid-append: that batch was never acknowledged
      }
      await this.catalog.reserveFor(line.u); // grow in the background, not in one blocking copy
      const results = line.u.map((u) => this.catalog.upsert(u));
      applied += line.u.length;
      if (line.w === this.writer) this.results.set(line.n, results);
    }
    return applied;
  }

  async submit(_catalog: MutableCatalog, upserts: readonly TrackUpsert[]): Promise<UpsertResult[]> {
    const n = this.batchNo++;
    const bytes = Buffer.from(`\n${JSON.stringify({ w: this.writer, n, u: upserts } satisfies JournalLine)}\n`);
    await new Promise<void>((resolve, reject) => fs.write(this.fd, bytes, (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
    await this.catchUp();
    const results = this.results.get(n);
    if (results === undefined) throw Errors.storage(`catalog journal ${this.file}: own batch ${n} not found after append`);
    this.results.delete(n);
    return results;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    fs.closeSync(this.fd);
    fs.closeSync(this.readFd);
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
              const upserts = unpack(m.data) as TrackUpsert[];
              await catalog.reserveFor(upserts); // grow in the background, not in one blocking copy
              this.applyMessage(catalog, m.seq, upserts);
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
