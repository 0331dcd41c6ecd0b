import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

export interface RedisConnectOptions {
  /** BullMQ workers block on Redis and need maxRetriesPerRequest: null. */
  forBlockingCommands?: boolean;
  keyPrefix?: string;
}

export function createRedis(url: string, options: RedisConnectOptions = {}): Redis {
  const settings: RedisOptions = {
    connectTimeout: 5_000,
    commandTimeout: options.forBlockingCommands ? undefined : 5_000,
    maxRetriesPerRequest: options.forBlockingCommands ? null : 3,
    enableOfflineQueue: true,
    // Commands issued in the same tick go out in one write: fewer syscalls under load.
    enableAutoPipelining: !options.forBlockingCommands,
    keyPrefix: options.keyPrefix,
  };
  return new Redis(url, settings);
}

export async function pingRedis(redis: Redis): Promise<void> {
  const answer = await redis.ping();
  if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
}
