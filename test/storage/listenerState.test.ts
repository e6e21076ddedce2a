import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbListenerState } from '../../src/storage/LmdbListenerState.js';
import { MemoryListenerState } from '../../src/storage/MemoryListenerState.js';
import { RedisListenerState } from '../../src/storage/RedisListenerState.js';
import { parseRedisUrl } from '../../src/storage/open.js';
import { listenerStateConformance } from './listenerStateConformance.js';
import { redisSkipReason } from './servers.js';

listenerStateConformance('memory', async () => ({ store: new MemoryListenerState(), cleanup: async () => {} }));

listenerStateConformance('lmdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'encore-state-'));
  let store = LmdbListenerState.open(dir);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = LmdbListenerState.open(dir);
      return store;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const redisSkip = await redisSkipReason();
let runNo = 0;
listenerStateConformance(
  'redis',
  async () => {
    const { url } = parseRedisUrl(process.env.ENCORE_REDIS_URL!);
    const prefix = `encore-test:${process.pid}:${Date.now()}:${runNo++}:`;
    let store = await RedisListenerState.open(url, prefix);
    return {
      store,
      openPeer: () => RedisListenerState.open(url, prefix),
      reopen: async () => {
        await store.close();
        store = await RedisListenerState.open(url, prefix);
        return store;
      },
      cleanup: async () => {
        await store.destroy();
        await store.close();
      },
    };
  },
  redisSkip,
);
