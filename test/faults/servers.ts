// Redis and NATS servers of the fault tests' own (ports 18179 / 18142, temp dirs), so that killing and
// restarting them never touches the shared servers other tests use. Started with the most durable
// settings the installed servers support: Redis AOF with appendfsync always; nats-server 2.9.10 has no
// sync_interval option (JetStream acks there are durable against a nats-server crash, not an OS crash).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const REDIS_PORT = 18179;
export const NATS_PORT = 18142;

/** Why the long fault tests do not run here, or false. */
export function faultsSkipReason(binaries: readonly string[] = []): string | false {
  if (process.env.ENCORE_FAULTS !== '1') return 'long fault test: run by `npm run test:faults` (ENCORE_FAULTS=1)';
  for (const b of binaries) {
    try {
      execFileSync('which', [b], { stdio: 'ignore' });
    } catch {
      return `${b} is not installed`;
    }
  }
  return false;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export async function waitFor(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class OwnServer {
  private proc: ChildProcess | null = null;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly command: string,
    private readonly args: readonly string[],
  ) {}

  static redis(dir: string): OwnServer {
    fs.mkdirSync(dir, { recursive: true });
    return new OwnServer('redis-server', REDIS_PORT, 'redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
  }

  static nats(dir: string): OwnServer {
    fs.mkdirSync(dir, { recursive: true });
    return new OwnServer('nats-server', NATS_PORT, 'nats-server', ['-a', '127.0.0.1', '-p', String(NATS_PORT), '-js', '-sd', dir]);
  }

  async start(): Promise<void> {
    if (await portOpen(this.port)) throw new Error(`port ${this.port} is taken: another ${this.name} of the fault tests is running?`);
    this.proc = spawn(this.command, [...this.args], { stdio: 'ignore' });
    await waitFor(`${this.name} on ${this.port}`, () => portOpen(this.port));
    if (this.name === 'nats-server') await new Promise((r) => setTimeout(r, 300)); // JetStream comes up just after the port
  }

  /** kill -9, then wait until the port is closed. */
  async kill9(): Promise<void> {
    const p = this.proc;
    if (p === null) return;
    const exited = new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));
    p.kill('SIGKILL');
    await exited;
    this.proc = null;
    await waitFor(`${this.name} port closed`, async () => !(await portOpen(this.port)));
  }
}
