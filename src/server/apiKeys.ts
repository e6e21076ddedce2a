// API keys with scopes. Keys come from ENCORE_API_KEYS (comma-separated `secret:scope+scope`) or a key
// file with one such entry a line (`#` starts a comment). Only SHA-256 hashes are kept in memory; a
// presented key is hashed too and compared with every stored hash by crypto.timingSafeEqual (equal
// lengths by construction), so neither the comparison nor the number of keys compared leaks the secret.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Errors } from '../domain/errors.js';

export const SCOPES = ['feed', 'events', 'catalog', 'users', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface KeyIdentity {
  /** Short, non-secret name of the key (first 12 hex digits of its hash): rate-limit bucket, logs. */
  readonly id: string;
  readonly scopes: ReadonlySet<Scope>;
}

interface StoredKey extends KeyIdentity {
  readonly hash: Buffer;
}

const MIN_SECRET_LENGTH = 16;

function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function parseScopes(text: string, where: string): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const s of text.split('+')) {
    const name = s.trim();
    if (!(SCOPES as readonly string[]).includes(name)) {
      throw Errors.badRequest(`${where}: unknown scope "${name}" (scopes: ${SCOPES.join(', ')})`);
    }
    scopes.add(name as Scope);
  }
  return scopes;
}

/** Parses one `secret:scope+scope` entry; `where` names it in errors without quoting the secret. */
function parseEntry(entry: string, where: string): StoredKey {
  const at = entry.lastIndexOf(':');
  if (at <= 0) throw Errors.badRequest(`${where}: expected "secret:scope+scope"`);
  const secret = entry.slice(0, at).trim();
  if (secret.length < MIN_SECRET_LENGTH) throw Errors.badRequest(`${where}: the secret must have at least ${MIN_SECRET_LENGTH} characters`);
  const hash = sha256(secret);
  return { hash, id: hash.subarray(0, 6).toString('hex'), scopes: parseScopes(entry.slice(at + 1), where) };
}

export class ApiKeys {
  private constructor(private readonly keys: readonly StoredKey[]) {}

  /** Entries from a comma-separated list (ENCORE_API_KEYS) and/or the lines of key files. */
  static parse(sources: { readonly env?: string; readonly files?: readonly string[] }): ApiKeys {
    const keys: StoredKey[] = [];
    (sources.env ?? '').split(',').forEach((entry, i) => {
      if (entry.trim() !== '') keys.push(parseEntry(entry.trim(), `ENCORE_API_KEYS entry ${i + 1}`));
    });
    for (const file of sources.files ?? []) {
      fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const entry = line.replace(/#.*/, '').trim();
        if (entry !== '') keys.push(parseEntry(entry, `${file}:${i + 1}`));
      });
    }
    return new ApiKeys(keys);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The key's identity, or null when no stored key matches. Compares against every key (constant time). */
  lookup(secret: string): KeyIdentity | null {
    const presented = sha256(secret);
    let found: StoredKey | null = null;
    for (const k of this.keys) if (timingSafeEqual(presented, k.hash) && found === null) found = k;
    return found === null ? null : { id: found.id, scopes: found.scopes };
  }
}

export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

export interface LocalKeys {
  readonly file: string;
  /** Every scope: for the person trying Encore (curl, scripts). */
  readonly ownerSecret: string;
  /** `feed+events+users` only: the one the demo page served by `encore start` acts as a listener with. */
  readonly pageSecret: string;
  readonly created: boolean;
}

/**
 * `encore start` only: the key file under the demo's data directory, created (mode 0600) on first start
 * with an all-scope owner key and a feed+events+users page key (the page reads and sets its listener's profile). Read back on later starts.
 */
export function ensureLocalKeys(dir: string): LocalKeys {
  const file = path.join(dir, 'api-keys');
  let created = false;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const lines = [
      '# Encore API keys (secret:scope+scope), made by `encore start`. Send one as "Authorization: Bearer <secret>".',
      `${newSecret()}:${SCOPES.join('+')}   # owner`,
      `${newSecret()}:feed+events+users   # page`,
    ];
    fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  const secrets = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
  const secretWith = (scopes: string): string | undefined => secrets.find((l) => l.endsWith(`:${scopes}`))?.replace(/:[^:]*$/, '');
  const ownerSecret = secretWith(SCOPES.join('+'));
  const pageSecret = secretWith('feed+events+users');
  if (ownerSecret === undefined || pageSecret === undefined) throw Errors.badRequest(`${file} lacks the owner or page key; delete it to make new ones`);
  return { file, ownerSecret, pageSecret, created };
}
