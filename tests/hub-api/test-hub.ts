import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type Koa from 'koa';
import { inject } from 'vitest';
import { type BillerRegistry, loadBillerRegistry } from '../../adapters/registry/index.js';
import { createElectricityDiscomSandbox } from '../../adapters/sandboxes/electricity-discom/app.js';
import { createPipedGasSandbox } from '../../adapters/sandboxes/piped-gas/app.js';
import { sandboxBillerEnv } from '../../adapters/sandboxes/sandbox-env.js';
import { createWaterBoardSandbox } from '../../adapters/sandboxes/water-board/app.js';
import { buildHub } from '../../hub/app.js';
import { loadHubConfig } from '../../hub/config.js';
import { createLogger } from '../../infra/logger.js';
import { type StartedService, startService } from '../../infra/service-runtime.js';
import { uniqueName } from '../support/isolation.js';

async function listen(app: Koa): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface TestHub {
  url: string;
  service: StartedService;
  sandboxes: { electricity: string; water: string; gas: string };
  registry: BillerRegistry;
  close: () => Promise<void>;
}

/** The hub API against the three sandboxes, trusting the given idp's tokens. */
export async function startTestHub(
  issuer: string,
  resource: string,
  env: Record<string, string> = {},
): Promise<TestHub> {
  const [electricity, water, gas] = await Promise.all([
    listen(createElectricityDiscomSandbox()),
    listen(createWaterBoardSandbox()),
    listen(createPipedGasSandbox()),
  ]);
  const registry = await loadBillerRegistry(resolve(import.meta.dirname, '../../adapters/billers.json'), {
    env: {
      ...sandboxBillerEnv(),
      ELECTRICITY_BASE_URL: electricity.url,
      WATER_BASE_URL: water.url,
      GAS_BASE_URL: gas.url,
    },
  });
  const config = loadHubConfig({
    NODE_ENV: 'test',
    MONGODB_URI: inject('mongoUri'),
    REDIS_URL: inject('redisUrl'),
    HUB_MONGODB_DB: uniqueName('hub'),
    IDP_ISSUER: issuer,
    HUB_API_RESOURCE: resource,
    ...env,
  });
  const service = await startService({
    name: 'hub',
    port: 0,
    host: '127.0.0.1',
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: `${uniqueName('hub')}:`,
    logger: createLogger('hub', 'silent'),
    build: (deps) => buildHub(config, registry, deps),
  });
  return {
    url: service.url,
    service,
    registry,
    sandboxes: { electricity: electricity.url, water: water.url, gas: gas.url },
    close: async () => {
      await service.mongo.dropDatabase();
      await service.close();
      for (const { server } of [electricity, water, gas]) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  };
}
