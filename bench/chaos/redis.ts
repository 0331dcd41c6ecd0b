import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/local-services/free-port.js';
import { commandExists, type ManagedProcess, startManaged } from '../../scripts/local-services/managed-process.js';
import { waitForPong } from '../../scripts/local-services/redis-server.js';

const READY_TIMEOUT_MS = 20_000;

/** A private redis-server that can be killed and started again on the same port and data dir. */
export interface RestartableRedis {
  url: string;
  /** SIGKILL (a crash), then the same server again; resolves once it answers PING. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Starts redis-server as scripts/local-services does, but with an append-only file (fsync every
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
  await waitForPong(port, undefined, READY_TIMEOUT_MS);

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
      await waitForPong(port, undefined, READY_TIMEOUT_MS);
    },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
