import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../infra/local-services/free-port.js';
import { commandExists, type ManagedProcess, startManaged } from '../../infra/local-services/managed-process.js';

const READY_TIMEOUT_MS = 20_000;

/** A private redis-server that can be killed and started again on the same port and data dir. */
export interface RestartableRedis {
  url: string;
  /** SIGKILL (a crash), then the same server again; resolves once it answers PING. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Starts redis-server as infra/local-services does, but with an append-only file (fsync every
 * second, Redis's usual production setting) so a restart keeps what a real Redis would keep.
 * Throws when redis-server is not on PATH.
 */
export async function startRestartableRedis(): Promise<RestartableRedis> {
  if (!commandExists('redis-server'))
    throw new Error('redis-server was not found on PATH (apt-get install redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'chaos-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'];
  args.push('--appendfsync', 'everysec', '--daemonize', 'no', '--loglevel', 'warning');
  let server: ManagedProcess = startManaged('redis-server', 'redis-server', args);
  await waitForPong(port);

  const kill = async () => {
    const { child } = server;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await kill();
      server = startManaged('redis-server', 'redis-server', args);
      await waitForPong(port);
    },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPong(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`);
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
