import { open, type Database, type RootDatabase } from 'lmdb';
import type { ListenEvent } from '../domain/events.js';
import { Errors } from '../domain/errors.js';
import { foldEvents, groupByListener, withProfile } from './applyEvent.js';
import type { ListenerProfile, ListenerState, ListenerStateStore } from './interfaces.js';

/**
 * Embedded listener state (`lmdb://dir`): one msgpack record per listener in an LMDB database, so state
 * survives a restart. A batch is one write transaction: read-modify-write of each listener is atomic.
 */
export class LmdbListenerState implements ListenerStateStore {
  private constructor(
    private readonly root: RootDatabase,
    private readonly db: Database<ListenerState, string>,
    private readonly ownsRoot: boolean,
  ) {}

  /** Opens (creating) the state database in `dir`, or inside an already open LMDB environment. */
  static open(dir: string, shared?: RootDatabase): LmdbListenerState {
    try {
      // No fsync per commit: the state is derived from the event log (which is fsynced) and a commit still
      // reaches the OS before apply() resolves, so it survives kill -9; only a machine crash can lose the
      // last moments, which replaying the log's tail restores.
      const root = shared ?? open({ path: dir, compression: false, noSync: true });
      const db = root.openDB<ListenerState, string>({ name: 'listener-state' });
      return new LmdbListenerState(root, db, shared === undefined);
    } catch (err) {
      throw Errors.storage(`cannot open LMDB listener state at ${dir}: ${(err as Error).message}`);
    }
  }

  async get(userId: string): Promise<ListenerState | null> {
    return this.db.get(userId) ?? null;
  }

  async apply(events: readonly ListenEvent[]): Promise<void> {
    const byUser = groupByListener(events);
    if (byUser.size === 0) return;
    await this.db.transaction(() => {
      for (const [userId, list] of byUser) {
        this.db.put(userId, foldEvents(userId, this.db.get(userId) ?? null, list));
      }
    });
  }

  async setProfile(userId: string, profile: ListenerProfile): Promise<void> {
    await this.db.transaction(() => {
      this.db.put(userId, withProfile(userId, this.db.get(userId) ?? null, profile));
    });
  }

  async delete(userId: string): Promise<boolean> {
    // lmdb's remove() resolves true whether or not the key existed: look inside the same transaction.
    return this.db.transaction(() => {
      const had = this.db.get(userId) !== undefined;
      if (had) void this.db.remove(userId);
      return had;
    });
  }

  async close(): Promise<void> {
    if (this.ownsRoot) await this.root.close();
  }
}
