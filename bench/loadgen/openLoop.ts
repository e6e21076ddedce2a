// Open-loop HTTP load generator. Requests leave on a fixed schedule (i / rate seconds after the start)
// whether or not earlier ones have answered, and each latency is measured from the request's SCHEDULED
// send time, so a slow server cannot hide its queueing delay (no coordinated omission).
// Hand-written because autocannon (and most Node load tools) are closed-loop: they wait for a response
// before sending the next request on a connection, which under-reports tail latency at a fixed rate.
import http from 'node:http';

export interface OpenLoopOptions {
  readonly host: string;
  readonly port: number;
  /** Requests per second offered. */
  readonly rate: number;
  readonly durationS: number;
  /** Path of the i-th request. */
  readonly path: (i: number) => string;
  readonly agent: http.Agent;
  /** Called with the body of every `sampleEvery`-th successful response (e.g. to read traces). */
  readonly onSample?: (body: string) => void;
  readonly sampleEvery?: number;
  readonly timeoutMs?: number;
}

export interface OpenLoopResult {
  readonly rate: number;
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  readonly statuses: ReadonlyMap<number, number>;
  /** Latency of every completed request in ms (from its scheduled send time), unsorted. */
  readonly latencies: Float64Array;
  /** HTTP status of each entry of `latencies` (same index). */
  readonly latencyStatuses: Uint16Array;
  /** How late each request left the generator (ms after its scheduled time): the generator's own share of the latency. */
  readonly sendLateness: Float64Array;
  readonly count: number;
  readonly wallS: number;
}

export function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(o.rate * o.durationS));
  const intervalMs = 1000 / o.rate;
  const latencies = new Float64Array(total);
  const latencyStatuses = new Uint16Array(total);
  const sendLateness = new Float64Array(total);
  const statuses = new Map<number, number>();
  const sampleEvery = o.sampleEvery ?? 0;
  const timeoutMs = o.timeoutMs ?? 10_000;
  let done = 0;
  let count = 0;
  let ok = 0;
  let errors = 0;
  let next = 0;
  const start = performance.now();

  return new Promise((resolve) => {
    const finish = (): void => {
      done++;
      if (done === total) {
        resolve({ rate: o.rate, sent: total, ok, errors, statuses, latencies: latencies.subarray(0, count), latencyStatuses: latencyStatuses.subarray(0, count), sendLateness, count, wallS: (performance.now() - start) / 1000 });
      }
    };
    const send = (i: number, scheduled: number): void => {
      sendLateness[i] = performance.now() - scheduled;
      const req = http.request({ host: o.host, port: o.port, path: o.path(i), method: 'GET', agent: o.agent, timeout: timeoutMs }, (res) => {
        const sample = sampleEvery > 0 && i % sampleEvery === 0 && res.statusCode === 200;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (sample) chunks.push(c);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          latencyStatuses[count] = status;
          latencies[count++] = performance.now() - scheduled;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 200) ok++;
          else errors++;
          if (sample && o.onSample) o.onSample(Buffer.concat(chunks).toString('utf8'));
          finish();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
        finish();
      });
      req.end();
    };
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        send(next, start + next * intervalMs);
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, Math.min(1, start + next * intervalMs - performance.now())));
    };
    tick();
  });
}
