import type Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { loadConfig, proxyEnvSchema, proxyTrustOf } from '../../infra/config.js';
import { listen } from '../../infra/http/listen.js';
import { createServiceApp } from '../../infra/http/service-app.js';
import { createLogger } from '../../infra/logger.js';

const logger = createLogger('proxy-trust', 'silent');

/** The client address a service app with this proxy trust reads from one request's X-Forwarded-For. */
async function addressSeen(trust: Parameters<typeof createServiceApp>[0]['proxy'], forwardedFor: string) {
  const { app } = createServiceApp({ name: 'probe', logger, readiness: [], proxy: trust });
  app.use((ctx: Koa.Context) => {
    ctx.body = { ip: ctx.ip };
  });
  const server = await listen(app, 0, '127.0.0.1');
  try {
    const res = await fetch(`${server.url}/who`, { headers: { 'x-forwarded-for': forwardedFor } });
    return ((await res.json()) as { ip: string }).ip;
  } finally {
    await server.close();
  }
}

describe('trusting X-Forwarded-For', () => {
  it('behind one proxy takes the entry that proxy appended, not the client-written ones to its left', async () => {
    const trust = proxyTrustOf(loadConfig(proxyEnvSchema, { TRUST_PROXY: 'true' }));
    expect(trust).toEqual({ proxy: true, hops: 1 });
    expect(await addressSeen(trust, '203.0.113.50, 10.99.0.1')).toBe('10.99.0.1');
    expect(await addressSeen(trust, 'garbage, 10.99.0.1')).toBe('10.99.0.1');
    expect(await addressSeen(trust, '198.51.100.7')).toBe('198.51.100.7');
  });

  it('behind TRUST_PROXY_HOPS=2 takes the entry the outer proxy appended', async () => {
    const trust = proxyTrustOf(loadConfig(proxyEnvSchema, { TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2' }));
    expect(await addressSeen(trust, '203.0.113.50, 198.51.100.7, 10.0.0.2')).toBe('198.51.100.7');
  });

  it('without TRUST_PROXY ignores the header and uses the connection address', async () => {
    const trust = proxyTrustOf(loadConfig(proxyEnvSchema, {}));
    expect(trust.proxy).toBe(false);
    expect(await addressSeen(trust, '203.0.113.50, 10.99.0.1')).toMatch(/127\.0\.0\.1$/);
  });

  it('refuses a hop count that is not a positive whole number', () => {
    expect(() => loadConfig(proxyEnvSchema, { TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '0' })).toThrow(
      /TRUST_PROXY_HOPS/,
    );
  });
});
