// Starts test/faults/serviceMain.ts in a child process and streams event batches at it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface FaultService {
  readonly url: string;
  readonly child: ChildProcess;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'serviceMain.js');

export async function startFaultService(port: number, eventsUrl: string, stateUrl: string): Promise<FaultService> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ENCORE_FAULT_SERVICE: '1', ENCORE_PORT: String(port), ENCORE_EVENTS_URL: eventsUrl, ENCORE_STATE_URL: stateUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`service exited with ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface StreamStats {
  sent: number;
  /** eventIds the service answered 200 for (accepted or duplicate): these must be in the log. */
  readonly acked: Set<string>;
  failedBatches: number;
  readonly statuses: Map<number, number>;
}

let run = 0;

/** Posts batches of `batch` events from `senders` concurrent loops until `stop()` is true. */
export async function streamEvents(url: string, stop: () => boolean, stats: StreamStats, batch = 50, senders = 4): Promise<void> {
  const tag = `${process.pid}-${run++}-${Date.now()}`;
  let n = 0;
  const loop = async (): Promise<void> => {
    while (!stop()) {
      const events = Array.from({ length: batch }, () => ({
        eventId: `f-${tag}-${n++}`, type: 'play_start', userId: `u${n % 100}`, trackId: `t${n % 3000}`, timestamp: Date.now(), surface: 'home',
      }));
      stats.sent += events.length;
      try {
        const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }), signal: AbortSignal.timeout(5000) });
        stats.statuses.set(res.status, (stats.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) {
          const body = (await res.json()) as { accepted: string[]; duplicates: string[] };
          for (const id of [...body.accepted, ...body.duplicates]) stats.acked.add(id);
        } else {
          stats.failedBatches++;
          await res.body?.cancel();
        }
      } catch {
        stats.failedBatches++; // connection refused / reset: the service was killed
        stats.statuses.set(0, (stats.statuses.get(0) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, loop));
}

export function newStreamStats(): StreamStats {
  return { sent: 0, acked: new Set(), failedBatches: 0, statuses: new Map() };
}
