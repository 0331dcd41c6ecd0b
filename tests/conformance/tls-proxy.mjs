// Minimal TLS-terminating reverse proxy: https://127.0.0.1:LISTEN -> http://127.0.0.1:TARGET,
// adding X-Forwarded-Proto/Host/For (the idp runs with TRUST_PROXY=true and an https issuer).
// Usage: node tls-proxy.mjs LISTEN_PORT TARGET_PORT CERT.pem KEY.pem

import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const [listen, target, cert, key] = process.argv.slice(2);
https
  .createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    const headers = {
      ...req.headers,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': req.headers.host,
      'x-forwarded-for': req.socket.remoteAddress,
    };
    const up = http.request(
      { host: '127.0.0.1', port: Number(target), method: req.method, path: req.url, headers },
      (ur) => {
        // keep multiple Set-Cookie headers intact; drop hop-by-hop headers
        for (const [k, v] of Object.entries(ur.headers))
          if (!['connection', 'keep-alive'].includes(k)) res.setHeader(k, v);
        res.writeHead(ur.statusCode);
        ur.pipe(res);
      },
    );
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(`proxy error ${e.message}`);
    });
    req.pipe(up);
  })
  .listen(Number(listen), '127.0.0.1', () =>
    console.log(`tls proxy https://localhost:${listen} -> http://127.0.0.1:${target}`),
  );
