// `encore start` (what `npm start` runs): makes a small demo world and model under data/demo the first
// time, then serves them on :8080 with the embedded storage (LMDB under data/demo). No server needed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ensureLocalKeys } from '../../server/apiKeys.js';
import { serve } from './serve.js';

const DEMO = 'data/demo';

/** Runs another `encore` subcommand in a child process with the same Node and CLI script. */
function encore(args: string[]): void {
  const script = process.argv[1]!;
  console.error(`encore start: encore ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`encore ${args[0]} failed (exit ${r.status ?? r.signal})`);
}

function hasBundle(dir: string): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).some((v) => fs.existsSync(path.join(dir, v, 'manifest.json')));
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('demo: generate a small world and model under data/demo if missing, then serve on :8080')
    .option('--port <n>', 'TCP port', (v) => Number(v), 8080)
    .option('--tracks <n>', 'demo world tracks', (v) => Number(v), 50_000)
    .option('--users <n>', 'demo world listeners', (v) => Number(v), 3_000)
    .action(async (o: { port: number; tracks: number; users: number }) => {
      const world = path.join(DEMO, 'world');
      const bundles = path.join(DEMO, 'bundles');
      if (!fs.existsSync(path.join(world, 'manifest.json'))) {
        encore(['world', '--tracks', String(o.tracks), '--users', String(o.users), '--seed', '42', '--out', world]);
      }
      if (!hasBundle(bundles)) encore(['train', '--world', world, '--bundles', bundles]);
      const keys = ensureLocalKeys(DEMO);
      console.error(
        `encore start: API keys ${keys.created ? 'created' : 'read'} in ${keys.file} (mode 0600): the owner key has every scope ` +
          '(send "Authorization: Bearer <key>"); the page at / acts as a listener with the feed+events+users key',
      );
      await serve({
        apiKeysFile: [keys.file],
        pageKey: keys.pageSecret,
        world,
        bundles,
        port: o.port,
        host: '127.0.0.1',
        state: `lmdb://${path.join(DEMO, 'state')}`,
        events: `lmdb://${path.join(DEMO, 'events')}`,
        watchMs: 2000,
        log: false,
      });
    });
}
