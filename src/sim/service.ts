// The simulator's own Encore when no --url is given: `encore serve` and `encore train` as child processes (the
// real CLI, as an operator runs them), the service watching its bundle directory so a new bundle swaps in live.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServiceClient } from './client.js';

const ENCORE_CLI = fileURLToPath(new URL('../cli/encore.js', import.meta.url));

export interface RunningService {
  readonly url: string;
  stop(): Promise<void>;
}

function run(args: string[], log: (s: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENCORE_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer): void => void (tail = (tail + b.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) {
        log(tail.trim().split('\n').pop() ?? '');
        resolve();
      } else reject(new Error(`encore ${args[0]} exited with ${code}: ${tail}`));
    });
  });
}

/** `encore train --world W --bundles B [--events-log URL]`, quietly; resolves when the bundle is written. */
export function trainWithCli(world: string, bundles: string, eventsLog: string | null, log: (s: string) => void): Promise<void> {
  return run(['train', '--world', world, '--bundles', bundles, '--quiet', ...(eventsLog ? ['--events-log', eventsLog] : [])], log);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls GET /readyz until the service is ready and (when given) serves a version other than `not`. */
export async function waitReady(client: ServiceClient, not: string | null, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const r = await client.getJson<{ status: string; modelVersion: string }>('/readyz');
      last = r.modelVersion;
      if (r.status === 'ready' && (not === null || r.modelVersion !== not)) return r.modelVersion;
    } catch {
      // not listening yet, or not ready (503)
    }
    await sleep(300);
  }
  throw new Error(`service at ${client.baseUrl} not ready${not ? ` with a bundle newer than ${not} (still ${last})` : ''} after ${timeoutMs} ms`);
}

/**
 * `encore serve` on 127.0.0.1:PORT with one API key (scopes feed + events, passed as ENCORE_API_KEYS), no rate
 * limit and a 5 s queue deadline: the simulator is one client sending every listener's requests.
 */
export function startService(o: { world: string; bundles: string; events: string; port: number; experiment: string | null; apiKey: string }): RunningService {
  const child: ChildProcess = spawn(
    process.execPath,
    [ENCORE_CLI, 'serve', '--world', o.world, '--bundles', o.bundles, '--port', String(o.port), '--host', '127.0.0.1', '--state', 'memory://', '--events', o.events, '--watch-ms', '500', '--rate-limit', '0', '--queue-deadline-ms', '5000', ...(o.experiment ? ['--experiment', o.experiment] : [])],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ENCORE_API_KEYS: `${o.apiKey}:feed+events` } },
  );
  let err = '';
  child.stderr?.on('data', (b: Buffer) => void (err = (err + b.toString()).slice(-4000)));
  return {
    url: `http://127.0.0.1:${o.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
