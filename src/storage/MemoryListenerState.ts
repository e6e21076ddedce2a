import type { ListenEvent } from '../domain/events.js';
import { foldEvents, groupByListener, withProfile } from './applyEvent.js';
import type { ListenerProfile, ListenerState, ListenerStateStore } from './interfaces.js';

/** Listener state in a Map: the `memory://` backend for tests and throwaway demos (lost on restart). */
export class MemoryListenerState implements ListenerStateStore {
  private readonly states = new Map<string, ListenerState>();

  async get(userId: string): Promise<ListenerState | null> {
    return this.states.get(userId) ?? null;
  }

  async apply(events: readonly ListenEvent[]): Promise<void> {
    for (const [userId, list] of groupByListener(events)) {
      this.states.set(userId, foldEvents(userId, this.states.get(userId) ?? null, list));
    }
  }

  async setProfile(userId: string, profile: ListenerProfile): Promise<void> {
    this.states.set(userId, withProfile(userId, this.states.get(userId) ?? null, profile));
  }

  async delete(userId: string): Promise<boolean> {
    return this.states.delete(userId);
  }

  async close(): Promise<void> {
    this.states.clear();
  }
}
