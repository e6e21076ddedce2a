// Which optional routes this service offers, read from its own OpenAPI document (/docs/json), so the
// page never probes a route that is not there (a 404 would be a failed request in the console).

export interface Capabilities {
  readonly userRead: boolean;
  readonly userWrite: boolean;
  readonly trackRead: boolean;
  readonly trackSearch: boolean;
  readonly genres: boolean;
  readonly markets: boolean;
}

export const NO_CAPABILITIES: Capabilities = {
  userRead: false,
  userWrite: false,
  trackRead: false,
  trackSearch: false,
  genres: false,
  markets: false,
};

type Paths = Record<string, Record<string, unknown> | undefined>;

function has(paths: Paths, pattern: RegExp, method: string): boolean {
  return Object.entries(paths).some(([path, ops]) => pattern.test(path) && ops !== undefined && method in ops);
}

export function capabilitiesFrom(doc: { paths?: Paths }): Capabilities {
  const paths = doc.paths ?? {};
  const oneUser = /^\/v1\/users\/\{[^}]+\}$/;
  const oneTrack = /^\/v1\/tracks\/\{[^}]+\}$/;
  return {
    userRead: has(paths, oneUser, 'get'),
    userWrite: has(paths, oneUser, 'put'),
    trackRead: has(paths, oneTrack, 'get'),
    trackSearch: has(paths, /^\/v1\/tracks$/, 'get'),
    genres: has(paths, /^\/v1\/genres$/, 'get'),
    markets: has(paths, /^\/v1\/markets$/, 'get'),
  };
}
