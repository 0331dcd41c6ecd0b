import { join } from 'node:path';
import { type LocalMongo, type MongoStorage, startMongoServer } from './mongo-server.js';
import { type LocalRedis, type RedisStorage, startRedisServer } from './redis-server.js';

export { MissingToolError } from './managed-process.js';

export interface LocalServices {
  mongoUri: string;
  redisUrl: string;
  /** Which of the two were started here (the rest came from MONGODB_URI / REDIS_URL). */
  started: { mongo: boolean; redis: boolean };
  stop: () => Promise<void>;
}

/**
 * test: throw-away in-memory MongoDB and a temp-dir Redis.
 * dev: MongoDB in an H2 file and Redis snapshots, both under dataDir, kept between runs.
 */
export type LocalServicesMode = { mode: 'test' } | { mode: 'dev'; dataDir: string };

/**
 * Gives the MongoDB and Redis this run should use: MONGODB_URI / REDIS_URL when set,
 * otherwise private local servers that stop with stop() or with this process.
 */
export async function startLocalServices(
  options: LocalServicesMode,
  env: Record<string, string | undefined> = process.env,
): Promise<LocalServices> {
  const mongoStorage: MongoStorage =
    options.mode === 'test' ? { kind: 'memory' } : { kind: 'h2', file: join(options.dataDir, 'mongo.mv') };
  const redisStorage: RedisStorage =
    options.mode === 'test' ? { kind: 'temporary' } : { kind: 'persistent', dir: join(options.dataDir, 'redis') };

  const [mongo, redis] = await Promise.allSettled([
    env.MONGODB_URI ? undefined : startMongoServer(mongoStorage),
    env.REDIS_URL ? undefined : startRedisServer(redisStorage),
  ]);
  const localMongo: LocalMongo | undefined = mongo.status === 'fulfilled' ? mongo.value : undefined;
  const localRedis: LocalRedis | undefined = redis.status === 'fulfilled' ? redis.value : undefined;
  const stop = async () => {
    await Promise.all([localMongo?.stop(), localRedis?.stop()]);
  };
  if (mongo.status === 'rejected' || redis.status === 'rejected') {
    await stop();
    throw mongo.status === 'rejected' ? mongo.reason : (redis as PromiseRejectedResult).reason;
  }
  return {
    mongoUri: env.MONGODB_URI ?? (localMongo as LocalMongo).uri,
    redisUrl: env.REDIS_URL ?? (localRedis as LocalRedis).url,
    started: { mongo: Boolean(localMongo), redis: Boolean(localRedis) },
    stop,
  };
}
