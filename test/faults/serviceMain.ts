// A service process for the kill -9 and outage tests: the feed test world (deterministic) behind buildApp
// with the default limits (no load shedding: a busy shared machine must not look like a fault), the event log and listener state opened from URLs, on the
// port given. Runs only as a child (ENCORE_FAULT_SERVICE=1); as a test file it is a no-op.
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import { buildApp } from '../../src/server/app.js';
import { attachCatalogChanges, openEventLog, openListenerState } from '../../src/storage/open.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

async function main(): Promise<void> {
  const world = makeTestWorld({ seed: 11 });
  const eventLog = await openEventLog(process.env.ENCORE_EVENTS_URL!);
  const listenerState = await openListenerState(process.env.ENCORE_STATE_URL!);
  const catalog = new MutableCatalog(world.catalog);
  const catalogChanges = await attachCatalogChanges(process.env.ENCORE_EVENTS_URL!, catalog);
  const app = await buildApp({ ...testDeps(world), catalog, eventLog, listenerState });
  await app.listen({ host: '127.0.0.1', port: Number(process.env.ENCORE_PORT) });
  process.stdout.write('listening\n');
  process.on('SIGTERM', () => {
    void (async () => {
      await app.close();
      await Promise.allSettled([eventLog.close(), listenerState.close(), catalogChanges.close()]);
      process.exit(0);
    })();
  });
}

if (process.env.ENCORE_FAULT_SERVICE === '1') {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
