import type { ListenEvent } from '../domain/events.js';
import type { EventLog } from './interfaces.js';

/** In-memory event log (`memory://`): the null backend for tests. Not durable. */
export class MemoryEventLog implements EventLog {
  private readonly events: ListenEvent[] = [];
  private readonly ids = new Set<string>();

  async append(events: readonly ListenEvent[]): Promise<{ appended: number; duplicates: string[] }> {
    const duplicates: string[] = [];
    let appended = 0;
    for (const ev of events) {
      if (this.ids.has(ev.eventId)) {
        duplicates.push(ev.eventId);
        continue;
      }
      this.ids.add(ev.eventId);
      this.events.push(ev);
      appended++;
    }
    return { appended, duplicates };
  }

  async read(from: number, limit: number): Promise<{ events: ListenEvent[]; next: number }> {
    const page = this.events.slice(from, from + limit);
    return { events: page, next: from + page.length };
  }

  private readonly erased = new Set<string>();

  async erase(userId: string): Promise<void> {
    this.erased.add(userId);
  }

  async erasedListeners(): Promise<ReadonlySet<string>> {
    return new Set(this.erased);
  }

  async close(): Promise<void> {}
}
