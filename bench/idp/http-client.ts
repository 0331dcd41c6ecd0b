import { Agent, type IncomingHttpHeaders, request } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

const TIMEOUT_MS = 30_000;

/**
 * How long an idle keep-alive socket is kept, ms: under the servers' 5 s (Node's default
 * keepAliveTimeout, which the hub, the idp and the sandboxes keep). Node 20's agent ignores the
 * server's `Keep-Alive: timeout=5` hint and keeps idle sockets forever, so a request sent on a
 * socket just as its server closed it failed with ECONNRESET or "socket hang up" (1-3 per
 * bench:hub run, at sockets a burst opened and the steady load left idle).
 */
export const IDLE_SOCKET_MS = 4_000;

/**
 * A lean keep-alive HTTP/1.1 client on node:http: one socket per virtual user, no cookie
 * library, no fetch machinery. The load generator shares the machine with the server, so
 * every microsecond it spends per request is one the server does not get. `idleSocketMs`
 * (default IDLE_SOCKET_MS) must stay under the servers' keep-alive timeout.
 */
export class HttpClient {
  private readonly agent: Agent;

  constructor(maxSockets: number, idleSocketMs = IDLE_SOCKET_MS) {
    // The agent's timeout closes a socket idle this long in its free pool; a request in flight
    // has its own (TIMEOUT_MS, set on the request).
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: idleSocketMs });
  }

  send(url: URL, { method = 'GET', headers = {}, body }: HttpRequest = {}): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Cookies of one browser talking to one origin. Paths are ignored (a cookie the provider scoped
 * to /interaction/<uid> is also sent to /auth/<uid>, where it is not read); expiry in the past
 * deletes, which is how the provider clears its interaction cookies.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(headers: IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.split('=');
        const k = key.trim().toLowerCase();
        if (k === 'max-age') return Number(val) <= 0;
        if (k === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    let out = '';
    for (const [name, value] of this.cookies) out += `${out ? '; ' : ''}${name}=${value}`;
    return out;
  }
}
