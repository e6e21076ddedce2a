// Refuses a damaged embedded event log at load with a clear message instead of a crash. LMDB has no page
// checksums: a truncated data.mdb makes a read SIGBUS and a flipped bit in a branch page can SIGSEGV,
// which would kill the whole service. So the log is first opened and walked in a child process
// (checkLmdbEventLogMain.ts: every event decodes, has its id, and the counts agree); a child that dies
// or reports a problem means the log is refused. Costs one scan of the log at start (about 1 s per few
// million events).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Errors } from '../domain/errors.js';

const main = fileURLToPath(new URL('./checkLmdbEventLogMain.js', import.meta.url));

export async function checkLmdbEventLog(dir: string): Promise<void> {
  if (!fs.existsSync(path.join(dir, 'data.mdb'))) return; // a new log
  const { code, signal, out } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [main, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.once('exit', (c, s) => resolve({ code: c, signal: s, out: text.trim() }));
  });
  if (code === 0) return;
  const why = signal !== null ? `reading it crashes (${signal}): the file is truncated or damaged` : out.split('\n').pop() ?? `check exited with ${code}`;
  throw Errors.formatMismatch(path.join(dir, 'data.mdb'), `event log refused: ${why}. Restore it from a backup, or move it away to start an empty log`);
}
