import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type Connection, connectMongo } from '../../infra/mongo.js';
import { createRedis, type Redis } from '../../infra/redis.js';

/** A database of its own for one test file, dropped by the returned cleanup. */
export async function isolatedMongo(label: string): Promise<{ conn: Connection; drop: () => Promise<void> }> {
  const conn = await connectMongo(inject('mongoUri'), { dbName: uniqueName(label) });
  return {
    conn,
    drop: async () => {
      await conn.dropDatabase();
      await conn.close();
    },
  };
}

export function redisUrl(): string {
  return inject('redisUrl');
}

export function isolatedRedis(): Redis {
  return createRedis(redisUrl());
}

/** Short unique names keep parallel test files from sharing databases, queues or keys. */
export function uniqueName(label: string): string {
  return `${label}_${randomUUID().slice(0, 8)}`;
}
