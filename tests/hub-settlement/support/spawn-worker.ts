import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { redisUrl } from '../../support/isolation.js';
import { GATEWAY_API_KEY, GATEWAY_WEBHOOK_SECRET } from '../gateway.js';
import { type Harness, TEST_OPTIONS } from '../harness.js';

const ROOT = resolve(import.meta.dirname, '../../..');
/** The worker's jobs in a process of their own, as hub/worker/main.ts runs them. */
const CHILD = resolve(ROOT, 'tests/hub-settlement/worker-process.ts');

/**
 * Starts tests/hub-settlement/worker-process.ts as a process of its own on the harness's Mongo
 * database, queue prefix, sandboxes and gateway, with the harness's test delays; `env` adds or
 * overrides the hub's variables (its concurrency, lock and stall checks). Resolves with the child
 * process once it prints "ready"; rejects, with what it wrote to stderr, if it exits before.
 */
export async function spawnWorker(h: Harness, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...h.billers.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MONGODB_URI: h.mongoUri,
      HUB_MONGODB_DB: h.dbName,
      REDIS_URL: redisUrl(),
      BILLERS_FILE: h.billers.registryFile,
      GATEWAY_BASE_URL: h.gateway.url,
      GATEWAY_API_KEY,
      GATEWAY_WEBHOOK_SECRET,
      SETTLEMENT_QUEUE_PREFIX: h.options.prefix,
      SETTLEMENT_ATTEMPTS: String(TEST_OPTIONS.attempts),
      SETTLEMENT_BACKOFF_MS: String(TEST_OPTIONS.backoffMs),
      SETTLEMENT_POLL_DELAY_MS: String(TEST_OPTIONS.pollDelayMs),
      ...env,
    },
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ready();
    });
    child.once('exit', (code) => fail(new Error(`worker process exited (${code}) before it was ready: ${output}`)));
  });
  return child;
}

/**
 * Sends `signal` to a worker process that is still running and resolves once it has exited; one
 * that has already exited is left alone.
 */
export async function stopWorker(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    await once(child, 'exit');
  }
}
