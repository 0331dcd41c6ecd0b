import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { commandExists, MissingToolError, startManaged } from './managed-process.js';

export interface LocalRedis {
  url: string;
  stop: () => Promise<void>;
}

/** Where data goes: a throw-away temp dir for tests, or a kept dir with snapshots for `npm start`. */
export type RedisStorage = { kind: 'temporary' } | { kind: 'persistent'; dir: string };

const READY_TIMEOUT_MS = 10_000;

export async function startRedisServer(storage: RedisStorage): Promise<LocalRedis> {
  if (!commandExists('redis-server')) {
    throw new MissingToolError(
      'redis-server',
      'Install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_URL to a running Redis.',
    );
  }
  const dir = storage.kind === 'temporary' ? mkdtempSync(join(tmpdir(), 'billpay-redis-')) : storage.dir;
  mkdirSync(dir, { recursive: true });
  const persistence = storage.kind === 'temporary' ? ['--save', ''] : ['--save', '60 1'];
  const port = await freePort();
  const redis = startManaged('redis-server', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'no',
    ...persistence,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ]);
  try {
    await waitForPong(port, () => redis.output());
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await redis.stop();
      if (storage.kind === 'temporary') rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once a redis-server on 127.0.0.1:`port` answers PING; throws after `timeoutMs`
 * (default 10 s), with the server's output when `output` is given.
 */
export async function waitForPong(port: number, output?: () => string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const said = output ? `:\n${output()}` : '';
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms${said}`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}
