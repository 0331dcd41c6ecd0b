import http from 'node:http';

/**
 * The baseline: a bare node:http call with its own keep-alive agent, the same transport the
 * adapters' axios uses, so the difference measured is the adapter's own work.
 */
export function rawClient(maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 400) return reject(new Error(`status ${res.statusCode}`));
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
        res.on('error', reject);
      });
      req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(init.body);
    });
  return { request, close: () => agent.destroy() };
}
