import { describe, expect, it } from 'vitest';
import { baseEnvSchema, metricsTokenOf } from '../../infra/config.js';
import { listen } from '../../infra/http/listen.js';
import { createServiceApp } from '../../infra/http/service-app.js';
import { createLogger } from '../../infra/logger.js';

const logger = createLogger('test', 'silent');

/** GET /metrics of a bare service app with the given access rule; the status it answers. */
async function metricsStatus(metricsToken: string | null | undefined, authorization?: string): Promise<number> {
  const { app } = createServiceApp({ name: 'probe', logger, readiness: [], metricsToken });
  const server = await listen(app, 0, '127.0.0.1');
  try {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    return (await fetch(`${server.url}/metrics`, { headers })).status;
  } finally {
    await server.close();
  }
}

describe('who may read /metrics', () => {
  const token = 'metrics-token-0123456789';

  it('asks for the bearer token when one is set, and refuses a missing or wrong one', async () => {
    expect(await metricsStatus(token)).toBe(401);
    expect(await metricsStatus(token, 'Bearer not-the-token-000000')).toBe(401);
    expect(await metricsStatus(token, `Bearer ${token}`)).toBe(200);
    expect(await metricsStatus(token, `bearer ${token}`)).toBe(200);
  });

  it('is closed in production without a token, and open in development', async () => {
    expect(metricsTokenOf({ NODE_ENV: 'production', METRICS_TOKEN: undefined })).toBeNull();
    expect(metricsTokenOf({ NODE_ENV: 'production', METRICS_TOKEN: token })).toBe(token);
    expect(metricsTokenOf({ NODE_ENV: 'development', METRICS_TOKEN: undefined })).toBeUndefined();
    expect(await metricsStatus(null)).toBe(404);
    expect(await metricsStatus(undefined)).toBe(200);
  });

  it('services listen on loopback unless told otherwise, so the message sink and metrics stay on this machine', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:1', REDIS_URL: 'redis://127.0.0.1:1' };
    expect(baseEnvSchema.parse(base).BIND_HOST).toBe('127.0.0.1');
    expect(baseEnvSchema.parse({ ...base, BIND_HOST: '0.0.0.0' }).BIND_HOST).toBe('0.0.0.0');
  });
});
