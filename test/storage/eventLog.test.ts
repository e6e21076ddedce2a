import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbEventLog } from '../../src/storage/LmdbEventLog.js';
import { MemoryEventLog } from '../../src/storage/MemoryEventLog.js';
import { NatsEventLog } from '../../src/storage/NatsEventLog.js';
import { parseNatsUrl } from '../../src/storage/open.js';
import { eventLogConformance } from './eventLogConformance.js';
import { natsSkipReason } from './servers.js';

eventLogConformance('memory', async () => ({ log: new MemoryEventLog(), cleanup: async () => {} }));

eventLogConformance('lmdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'encore-eventlog-'));
  let log = LmdbEventLog.open(dir);
  return {
    log,
    reopen: async () => {
      await log.close();
      log = LmdbEventLog.open(dir);
      return log;
    },
    cleanup: async () => {
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const natsSkip = await natsSkipReason();
let streamNo = 0;
eventLogConformance(
  'nats',
  async () => {
    const { servers } = parseNatsUrl(process.env.ENCORE_NATS_URL!);
    const stream = `ENCORE_TEST_${process.pid}_${Date.now()}_${streamNo++}`;
    let log = await NatsEventLog.open(servers, stream);
    return {
      log,
      reopen: async () => {
        await log.close();
        log = await NatsEventLog.open(servers, stream);
        return log;
      },
      cleanup: async () => {
        await log.destroy();
        await log.close();
      },
    };
  },
  natsSkip,
);
