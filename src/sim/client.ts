// The simulator's HTTP client of a running Encore (Node's fetch): JSON GET/POST with the API key, when one is
// set (--api-key or ENCORE_API_KEY), as `Authorization: Bearer KEY`. A shed request (503, 429) is retried after
// Retry-After (or a doubling back-off), at most RETRIES times: safe, since feeds are reads and events are
// idempotent by eventId.
export const RETRIES = 6;

export interface ServiceClient {
  readonly baseUrl: string;
  getJson<T>(path: string): Promise<T>;
  postJson<T>(path: string, body: unknown): Promise<T>;
}

export function apiKeyFrom(flag: string | undefined): string | null {
  return flag ?? process.env['ENCORE_API_KEY'] ?? null;
}

export function serviceClient(baseUrl: string, apiKey: string | null): ServiceClient {
  const headers = (json: boolean): Record<string, string> => ({ ...(json ? { 'content-type': 'application/json' } : {}), ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) });
  const check = async <T>(res: Response, what: string): Promise<T> => {
    if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  const base = baseUrl.replace(/\/$/, '');
  const send = async (path: string, init: RequestInit): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(base + path, init);
      if ((res.status !== 503 && res.status !== 429) || attempt >= RETRIES) return res;
      await res.arrayBuffer();
      const after = Number(res.headers.get('retry-after'));
      await new Promise((r) => setTimeout(r, Number.isFinite(after) && after > 0 ? after * 1000 : 50 * 2 ** attempt));
    }
  };
  return {
    baseUrl: base,
    getJson: async (path) => check(await send(path, { headers: headers(false) }), `GET ${path}`),
    postJson: async (path, body) => check(await send(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) }), `POST ${path}`),
  };
}
