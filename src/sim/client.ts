// The simulator's HTTP client of a running Encore (Node's fetch): JSON GET/POST with the API key, when one is
// set (--api-key or ENCORE_API_KEY), as `Authorization: Bearer KEY`.
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
  return {
    baseUrl: base,
    getJson: async (path) => check(await fetch(base + path, { headers: headers(false) }), `GET ${path}`),
    postJson: async (path, body) => check(await fetch(base + path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) }), `POST ${path}`),
  };
}
