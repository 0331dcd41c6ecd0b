import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, IDLE_SOCKET_MS } from '../../bench/idp/http-client.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** A server that keeps idle connections a minute and hands over each new connection's socket. */
async function start(): Promise<{ url: string; connections: Socket[] }> {
  const connections: Socket[] = [];
  server = createServer((_req, res) => res.end('ok'));
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => connections.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, connections };
}

describe("the load generator's keep-alive sockets", () => {
  it("close an idle socket themselves, before the servers' 5 s keep-alive timeout can race a request", async () => {
    expect(IDLE_SOCKET_MS).toBeLessThan(5_000);
    const { url, connections } = await start();
    const client = new HttpClient(1, 200);
    const first = await client.send(new URL(url));
    expect(first.status).toBe(200);
    expect(connections).toHaveLength(1);
    // The server would keep this socket a minute: only the client closes it now.
    await once(connections[0] as Socket, 'close');
    const second = await client.send(new URL(url));
    expect(second.body).toBe('ok');
    expect(connections).toHaveLength(2);
    client.close();
  });

  it('keep a socket for the next request while it is not idle that long', async () => {
    const { url, connections } = await start();
    const client = new HttpClient(1, 30_000);
    await client.send(new URL(url));
    await client.send(new URL(url));
    await client.send(new URL(url));
    expect(connections).toHaveLength(1);
    client.close();
  });
});
