import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { connectMongo } from '../../infra/mongo.js';
import { createRedis } from '../../infra/redis.js';
import { MissingToolError, startLocalServices } from '../../scripts/local-services/index.js';

function portOf(uri: string): number {
  return Number(new URL(uri).port);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    const finish = (open: boolean) => {
      socket.destroy();
      done(open);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function waitUntilClosed(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await accepts(port))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('local MongoDB and Redis', () => {
  it('uses MONGODB_URI and REDIS_URL when given and starts nothing', async () => {
    const services = await startLocalServices(
      { mode: 'test' },
      { MONGODB_URI: 'mongodb://db.internal:27017', REDIS_URL: 'redis://cache.internal:6379' },
    );
    expect(services).toMatchObject({
      mongoUri: 'mongodb://db.internal:27017',
      redisUrl: 'redis://cache.internal:6379',
      started: { mongo: false, redis: false },
    });
    await services.stop();
  });

  it('keeps data between runs in dev mode and leaves no listener after stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'billpay-dev-'));
    try {
      const first = await startLocalServices({ mode: 'dev', dataDir }, {});
      const mongo = await connectMongo(first.mongoUri, { dbName: 'persist' });
      await mongo.collection('notes').insertOne({ text: 'kept' });
      await mongo.close();
      const redis = createRedis(first.redisUrl);
      await redis.set('note', 'kept');
      await redis.quit();
      await first.stop();
      expect(await waitUntilClosed(portOf(first.mongoUri), 5_000)).toBe(true);
      expect(await waitUntilClosed(portOf(first.redisUrl), 5_000)).toBe(true);

      const second = await startLocalServices({ mode: 'dev', dataDir }, {});
      const mongoAgain = await connectMongo(second.mongoUri, { dbName: 'persist' });
      expect(await mongoAgain.collection('notes').findOne({}, { projection: { _id: 0 } })).toEqual({ text: 'kept' });
      await mongoAgain.close();
      const redisAgain = createRedis(second.redisUrl);
      expect(await redisAgain.get('note')).toBe('kept');
      await redisAgain.quit();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says what to install when redis-server is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const attempt = startLocalServices({ mode: 'test' }, { MONGODB_URI: 'mongodb://unused:27017' });
      await expect(attempt).rejects.toBeInstanceOf(MissingToolError);
      await expect(attempt).rejects.toThrow(/apt-get install redis-server.*REDIS_URL/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('leaves no server behind when the process that started them is killed with SIGKILL', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, '../support/local-services-child.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { mongoUri, redisUrl } = JSON.parse(line) as { mongoUri: string; redisUrl: string };
    expect(await accepts(portOf(mongoUri))).toBe(true);
    expect(await accepts(portOf(redisUrl))).toBe(true);

    child.kill('SIGKILL');
    await once(child, 'exit');

    expect(await waitUntilClosed(portOf(mongoUri), 10_000)).toBe(true);
    expect(await waitUntilClosed(portOf(redisUrl), 10_000)).toBe(true);
  });
});
