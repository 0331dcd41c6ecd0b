import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { registrySandboxes } from '../../adapters/sandboxes/registry-sandboxes.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { dataDirLabel } from '../../scripts/start-banner.js';
import { redisUrl, uniqueName } from '../support/isolation.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('names the data folder DATA_DIR points at, not always ./data', () => {
    expect(dataDirLabel('/work/app/data', '/work/app')).toBe('./data');
    expect(dataDirLabel('/work/app/var/billpay', '/work/app')).toBe('./var/billpay');
    expect(dataDirLabel('/srv/billpay-data', '/work/app')).toBe('/srv/billpay-data');
    expect(dataDirLabel('/work/app', '/work/app')).toBe('.');
  });

  it('stops everything and never says "All services are up" when a service fails to start (a short IDP_REGISTRATION_TOKEN)', async () => {
    // Every port free, each biller sandbox's through its own variable, so nothing else can fail first.
    const ports: Record<string, string> = {};
    const names = ['HUB_PORT', 'WORKER_PORT', 'IDP_PORT', 'PROVIDER_PORTAL_PORT', 'OPERATOR_CONSOLE_PORT'];
    for (const { sandbox } of await registrySandboxes()) names.push(sandbox.portEnv);
    for (const name of [...names, 'GATEWAY_SANDBOX_PORT', 'WALLET_SANDBOX_PORT'])
      ports[name] = String(await freePort());
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...ports,
        NODE_ENV: 'development',
        DATA_DIR: dataDir,
        MONGODB_URI: inject('mongoUri'),
        REDIS_URL: redisUrl(),
        HUB_MONGODB_DB: uniqueName('start_hub'),
        IDP_MONGODB_DB: uniqueName('start_idp'),
        SETTLEMENT_QUEUE_PREFIX: uniqueName('start'),
        IDP_REGISTRATION_TOKEN: 'too-short',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output).toMatch(/npm start failed: idp exited/);
    expect(output).not.toContain('All services are up');
    expect(output).not.toContain('Press Ctrl-C to stop');
    expect(code).toBe(1);
  }, 120_000);
});
