import { connect } from 'nats';
import { Redis } from 'ioredis';

// Redis/NATS suites run when CI names the servers (ENCORE_REDIS_URL / ENCORE_NATS_URL) and they answer;
// otherwise they are skipped with a reason that says why.

export async function natsSkipReason(): Promise<string | false> {
  const url = process.env.ENCORE_NATS_URL;
  if (!url) return 'ENCORE_NATS_URL is not set';
  try {
    const u = new URL(url);
    const nc = await connect({ servers: `${u.hostname}:${u.port || '4222'}`, timeout: 1500 });
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
    } finally {
      await nc.close();
    }
    return false;
  } catch (err) {
    return `NATS JetStream unreachable at ${url}: ${(err as Error).message}`;
  }
}

export async function redisSkipReason(): Promise<string | false> {
  const url = process.env.ENCORE_REDIS_URL;
  if (!url) return 'ENCORE_REDIS_URL is not set';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1500, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return false;
  } catch (err) {
    return `Redis unreachable at ${url}: ${(err as Error).message}`;
  } finally {
    redis.disconnect();
  }
}
