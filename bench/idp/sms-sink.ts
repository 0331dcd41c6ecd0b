import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

/**
 * The SMS gateway as the benchmarked idp sees it (NOTIFIER_TRANSPORT=live: POST JSON {to, text}
 * with a bearer token; infra/notifier/sms-http-transport.ts), run in the load generator. The idp
 * sends its codes as in production, over HTTP, and not through the capture transport's Redis list,
 * whose commands (and the load generator's reads of it) would count as the idp's Redis work.
 */
export class SmsSink {
  private readonly codes = new Map<string, string>();
  private readonly waiting = new Map<string, (code: string) => void>();

  private constructor(
    private readonly server: Server,
    /** The URL the idp posts to (SMS_GATEWAY_URL). */
    readonly url: string,
    /** The bearer token the idp sends (SMS_GATEWAY_TOKEN). */
    readonly token: string,
  ) {}

  /** Listens on a free loopback port. */
  static async start(token: string): Promise<SmsSink> {
    let sink: SmsSink | undefined;
    const server = createServer((req, res) => {
      if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401).end();
        return;
      }
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        try {
          const { to, text } = JSON.parse(body) as { to?: unknown; text?: unknown };
          const code = typeof text === 'string' ? text.match(/\b(\d{6})\b/)?.[1] : undefined;
          if (typeof to !== 'string' || !code) throw new Error('no recipient or code');
          sink?.received(to, code);
          res.writeHead(202).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    sink = new SmsSink(server, `http://127.0.0.1:${port}/sms`, token);
    return sink;
  }

  private received(to: string, code: string): void {
    const waiter = this.waiting.get(to);
    if (waiter) {
      this.waiting.delete(to);
      waiter(code);
    } else {
      this.codes.set(to, code);
    }
  }

  /**
   * The code last sent to `to` (E.164), taken once; waits for it up to `timeoutMs` (the idp answers
   * the identifier page after the gateway answered it, so it is normally there already).
   */
  takeCode(to: string, timeoutMs = 10_000): Promise<string> {
    const code = this.codes.get(to);
    if (code) {
      this.codes.delete(to);
      return Promise.resolve(code);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(to);
        reject(new Error(`no code was sent to ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(to, (arrived) => {
        clearTimeout(timer);
        resolve(arrived);
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}
