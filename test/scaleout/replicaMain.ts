// A service replica for the scale-out and kill -9 tests: the feed test world (deterministic, so every
// replica serves the same catalog and bundle) behind buildApp, with the event log and listener state
// opened from URLs. Runs only when started as a replica (ENCORE_REPLICA_MAIN=1); as a test file it is a no-op.
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
  const deps = { ...testDeps(world), catalog, eventLog, listenerState };
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  const stop = async (): Promise<void> => {
    await app.close();
    await eventLog.close();
    await listenerState.close();
    await catalogChanges.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}

if (process.env.ENCORE_REPLICA_MAIN === '1') {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
