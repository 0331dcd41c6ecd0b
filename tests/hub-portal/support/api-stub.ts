import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer the stub gives instead of the hub, or undefined to pass the request on. */
export type StubRoute = (
  path: string,
  req: IncomingMessage,
  /** The request's body as sent (empty for a GET). */
  body: Buffer,
) => { status: number; type: string; body: string | Buffer } | undefined;

/**
 * A stand-in for the hub API in front of the real one: routes another person is building in
 * parallel (receipts, verification) answer with the contract's shapes from `route`; everything
 * else goes through to the real hub API, so sign-in, dues and payments stay real.
 */
export async function startApiStub(
  route: StubRoute,
): Promise<{ url: string; target: (url: string) => void; close: () => void }> {
  let upstream = '';
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').replace(/^\/api\/v1/, '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const stubbed = route(path, req, Buffer.concat(chunks));
    if (stubbed) {
      res.writeHead(stubbed.status, { 'content-type': stubbed.type }).end(stubbed.body);
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const answer = await fetch(`${upstream}/api/v1${path}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res
      .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' })
      .end(Buffer.from(await answer.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    target: (url) => {
      upstream = url;
    },
    close: () => server.close(),
  };
}
