import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface Replica {
  readonly port: number;
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'replicaMain.js');

/** Starts one service replica process on the given storage URLs and waits until it listens. */
export async function startReplica(eventsUrl: string, stateUrl: string): Promise<Replica> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ENCORE_REPLICA_MAIN: '1', ENCORE_EVENTS_URL: eventsUrl, ENCORE_STATE_URL: stateUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`replica exited with ${code} before listening`)));
  });
  return {
    port,
    child,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function postJson<T>(url: string, body: unknown, method = 'POST'): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}
