// Child process of checkLmdbEventLog: opens the LMDB event log at argv[2] and reads all of it. Exit 0 when
// it is whole; otherwise prints the problem and exits 1 (or dies of a signal, which the parent reports).
import { LmdbEventLog } from './LmdbEventLog.js';

async function check(dir: string): Promise<string | null> {
  const log = LmdbEventLog.open(dir);
  try {
    const size = log.size();
    let seen = 0;
    for (let from = 0; ; ) {
      const page = await log.read(from, 10_000);
      if (page.events.length === 0) break;
      for (const e of page.events) {
        if (e === null || typeof e !== 'object' || typeof e.eventId !== 'string' || typeof e.type !== 'string') return `event ${seen} does not decode`;
        seen++;
      }
      from = page.next;
    }
    if (seen !== size) return `${seen} events readable, the log's counter says ${size}`;
    let ids = 0;
    for (const key of log.environment.openDB<number, string>({ name: 'event-ids' }).getKeys()) if (typeof key === 'string') ids++;
    return ids === size ? null : `${ids} event ids indexed for ${size} events`;
  } finally {
    await log.close();
  }
}

check(process.argv[2]!).then(
  (problem) => {
    if (problem !== null) console.log(problem);
    process.exit(problem === null ? 0 : 1);
  },
  (err: unknown) => {
    console.log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
