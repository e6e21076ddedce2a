// The service's HTTP API as the page uses it. Sends `Authorization: Bearer <key>` when the service wrote a
// key into the page (<meta name="encore-api-key">: the embedded demo mode only); otherwise no credentials.
import { capabilitiesFrom, NO_CAPABILITIES, type Capabilities } from './capabilities.js';
import type { EventsAnswer, FeedResponse, Genre, ListenerProfile, Surface, TrackHit, UserView } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FeedQuery {
  readonly surface: Surface;
  readonly limit: number;
  readonly onboarding?: ListenerProfile | undefined;
}

const path = (id: string): string => encodeURIComponent(id);

export class Api {
  private constructor(
    private readonly key: string | null,
    readonly can: Capabilities,
  ) {}

  static async connect(): Promise<Api> {
    const key = document.querySelector<HTMLMetaElement>('meta[name="encore-api-key"]')?.content ?? '';
    const doc = await fetch('/docs/json').then((r) => (r.ok ? (r.json() as Promise<{ paths?: Record<string, Record<string, unknown>> }>) : null));
    return new Api(key === '' ? null : key, doc === null ? NO_CAPABILITIES : capabilitiesFrom(doc));
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = json ? { 'content-type': 'application/json' } : {};
    if (this.key !== null) h.authorization = `Bearer ${this.key}`;
    return h;
  }

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: this.headers(body !== undefined) };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(url, init);
    const text = await res.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    if (!res.ok) {
      const message = (parsed as { message?: string } | null)?.message ?? res.statusText;
      throw new ApiError(res.status, `${res.status}: ${message}`);
    }
    return parsed as T;
  }

  feed(userId: string, q: FeedQuery): Promise<FeedResponse> {
    const params = new URLSearchParams({ surface: q.surface.name, limit: String(q.limit) });
    if (q.surface.name === 'radio') params.set('seedTrackId', q.surface.seedTrackId);
    const o = q.onboarding;
    if (o?.market !== undefined) params.set('market', o.market);
    if (o?.explicit !== undefined) params.set('explicit', String(o.explicit));
    if (o?.genres !== undefined && o.genres.length > 0) params.set('genres', o.genres.join(','));
    return this.call('GET', `/v1/users/${path(userId)}/feed?${params}`);
  }

  events(events: readonly object[]): Promise<EventsAnswer> {
    return this.call('POST', '/v1/events', { events });
  }

  user(id: string): Promise<UserView> {
    return this.call('GET', `/v1/users/${path(id)}`);
  }

  putUser(id: string, profile: ListenerProfile): Promise<unknown> {
    return this.call('PUT', `/v1/users/${path(id)}`, profile);
  }

  track(id: string): Promise<TrackHit> {
    return this.call('GET', `/v1/tracks/${path(id)}`);
  }

  async searchTracks(q: string): Promise<readonly TrackHit[]> {
    const body = await this.call<{ tracks?: TrackHit[]; items?: TrackHit[] } | TrackHit[]>('GET', `/v1/tracks?${new URLSearchParams({ q })}`);
    return Array.isArray(body) ? body : (body.tracks ?? body.items ?? []);
  }

  async genres(): Promise<readonly Genre[]> {
    return (await this.call<{ genres: Genre[] }>('GET', '/v1/genres')).genres;
  }

  async markets(): Promise<readonly string[]> {
    return (await this.call<{ markets: string[] }>('GET', '/v1/markets')).markets;
  }

  async metrics(): Promise<string> {
    const res = await fetch('/metrics', { headers: this.headers(false) });
    if (!res.ok) throw new ApiError(res.status, `${res.status}: /metrics`);
    return res.text();
  }
}
