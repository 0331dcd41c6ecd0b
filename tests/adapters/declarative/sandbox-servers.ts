import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import type { BillerSandbox } from '../../../adapters/sandboxes/shared/biller-sandbox.js';
import type { BillerOperations } from '../../../adapters/sdk/index.js';

/**
 * For one test file: `listen(sandbox)` starts a biller sandbox on a free port and gives its base
 * URL; `keep(adapter)` closes an adapter at the end. Everything is closed after the file's tests.
 */
export function useSandboxServers() {
  const servers: Server[] = [];
  const adapters: BillerOperations[] = [];
  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.close?.()));
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  });
  return {
    async listen(sandbox: BillerSandbox): Promise<string> {
      const server = sandbox.create().listen(0, '127.0.0.1');
      await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    keep<T extends BillerOperations>(adapter: T): T {
      adapters.push(adapter);
      return adapter;
    },
  };
}
