import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSandboxGateway,
  type SandboxGateway,
  type SandboxGatewayOptions,
} from '../../hub/gateway/sandbox-server/app.js';

/** A sandbox gateway serving on 127.0.0.1. */
export interface SandboxGatewayServer {
  gateway: SandboxGateway;
  /** Its base URL (the gateway's publicUrl). */
  url: string;
  /** Stops the gateway's timers, ends open connections and closes the server. */
  close(): Promise<void>;
}

/**
 * The sandbox gateway (hub/gateway/sandbox-server) on a free loopback port. The server listens
 * before the gateway is made, because the gateway needs its own URL (publicUrl). `wrap` may put a
 * handler in front of the gateway's (e.g. one answering 503 while the gateway is "down").
 */
export async function startSandboxGatewayServer(
  options: Omit<SandboxGatewayOptions, 'publicUrl'>,
  wrap: (handler: http.RequestListener) => http.RequestListener = (handler) => handler,
): Promise<SandboxGatewayServer> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gateway = createSandboxGateway({ ...options, publicUrl: url });
  server.on('request', wrap(gateway.callback()));
  return {
    gateway,
    url,
    close: async () => {
      gateway.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
