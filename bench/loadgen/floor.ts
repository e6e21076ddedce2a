// Starts bench/loadgen/staticServer.ts in a child process with a given body; resolves to its port and a stop().
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Floor {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startFloor(body: string): Promise<Floor> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-floor-'));
  const file = path.join(dir, 'body.json');
  fs.writeFileSync(file, body);
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'staticServer.js');
  const proc = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    proc.once('exit', (code) => reject(new Error(`static floor server exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}
