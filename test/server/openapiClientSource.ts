// The client an app would write against types generated from Encore's OpenAPI document (api.ts beside it).
// The contract test type-checks it (each @ts-expect-error must meet a type error, or the check fails: the
// generated types must really constrain paths, parameters and answers), then runs it against the service.
export const CLIENT_SOURCE = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type EncoreError = components['schemas']['EncoreError'];

export interface Outcome {
  readonly feedTitles: string[];
  readonly feedModel: string;
  readonly accepted: string[];
  readonly rejectedReasons: string[];
  readonly added: string[];
  readonly track: { trackId: string; title: string; artist: string; markets: string[] | 'everywhere' };
  readonly found: string[];
  readonly takenDown: boolean;
  readonly missing: { status: number; error: EncoreError };
  readonly badLimit: { status: number; error: EncoreError };
}

function fail(what: string, status: number, error: EncoreError | undefined): never {
  throw new Error(what + ': ' + status + ' ' + (error === undefined ? '' : error.code + ' ' + error.message));
}

export async function exercise(baseUrl: string, userId: string, trackId: string): Promise<Outcome> {
  const api = createClient<paths>({ baseUrl });

  const feed = await api.GET('/v1/users/{userId}/feed', { params: { path: { userId }, query: { limit: 5, surface: 'home' } } });
  if (feed.data === undefined) fail('feed', feed.response.status, feed.error);
  const feedTitles: string[] = feed.data.items.map((item) => item.title);

  const now = Date.now();
  const events = await api.POST('/v1/events', {
    body: { events: [
      { eventId: 'contract-1', type: 'play_start', userId, trackId, timestamp: now, surface: 'home' },
      { eventId: 'contract-2', type: 'no_such_type', userId, trackId, timestamp: now, surface: 'home' },
    ] },
  });
  if (events.data === undefined) fail('events', events.response.status, events.error);
  const rejectedReasons: string[] = events.data.rejected.map((r) => r.reason);

  const put = await api.PUT('/v1/tracks', {
    body: { tracks: [{ id: 'contract:track/1', title: 'Contract Song', artist: { id: 'contract:artist', name: 'The Contracts' } }] },
  });
  if (put.data === undefined) fail('put tracks', put.response.status, put.error);

  const one = await api.GET('/v1/tracks/{trackId}', { params: { path: { trackId: 'contract:track/1' } } });
  if (one.data === undefined) fail('get track', one.response.status, one.error);
  const { title, artist, markets } = one.data;

  const search = await api.GET('/v1/tracks', { params: { query: { q: 'Contract', limit: 5 } } });
  if (search.data === undefined) fail('search', search.response.status, search.error);

  const down = await api.DELETE('/v1/tracks/{trackId}', { params: { path: { trackId: 'contract:track/1' } } });
  if (down.data === undefined) fail('take down', down.response.status, down.error);

  const missing = await api.GET('/v1/tracks/{trackId}', { params: { path: { trackId: 'no such track' } } });
  if (missing.error === undefined) throw new Error('an unknown track was found');

  // @ts-expect-error limit is an integer: the generated query type refuses a string (the service a 400)
  const bad = await api.GET('/v1/users/{userId}/feed', { params: { path: { userId }, query: { limit: 'many' } } });
  if (bad.error === undefined) throw new Error('limit=many was accepted');

  return {
    feedTitles,
    feedModel: feed.data.modelVersion,
    accepted: events.data.accepted,
    rejectedReasons,
    added: put.data.added,
    track: { trackId: one.data.trackId, title, artist, markets },
    found: search.data.tracks.map((t) => t.trackId),
    takenDown: down.data.takenDown,
    missing: { status: missing.response.status, error: missing.error },
    badLimit: { status: bad.response.status, error: bad.error },
  };
}

/** Never called: only type-checked. */
export async function misuses(api: ReturnType<typeof createClient<paths>>): Promise<void> {
  // @ts-expect-error no such route
  await api.GET('/v1/no-such-route');
  // @ts-expect-error the feed needs the userId path parameter
  await api.GET('/v1/users/{userId}/feed', { params: { path: {} } });
  // @ts-expect-error the events route is POST, not GET
  await api.GET('/v1/events');
  const feed = await api.GET('/v1/users/{userId}/feed', { params: { path: { userId: 'u1' } } });
  // @ts-expect-error an item has no field "nope"
  if (feed.data !== undefined) console.log(feed.data.items[0]?.nope);
  // @ts-expect-error an error's code is a string, not a number
  if (feed.error !== undefined) { const n: number = feed.error.code; console.log(n); }
}
`;
