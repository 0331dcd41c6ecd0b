import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface RunningServer {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

/** Listens and returns a close() that stops accepting, ends idle keep-alive sockets, and waits. */
export async function listen(app: Koa, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const server = app.listen(port, host);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? 'localhost' : host;
  return {
    server,
    url: `http://${shownHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
