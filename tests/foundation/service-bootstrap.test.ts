import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import Router from '@koa/router';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConflictError } from '../../infra/errors.js';
import { listen, type RunningServer } from '../../infra/http/listen.js';
import { createServiceApp } from '../../infra/http/service-app.js';
import { createLogger } from '../../infra/logger.js';
import { type StartedService, startService } from '../../infra/service-runtime.js';
import { redisUrl, uniqueName } from '../support/isolation.js';

const logger = createLogger('test', 'silent');

describe('a service started on the shared bootstrap', () => {
  let service: StartedService;
  beforeAll(async () => {
    service = await startService({
      name: 'probe',
      port: 0,
      host: '127.0.0.1',
      mongoUri: inject('mongoUri'),
      mongoDb: uniqueName('bootstrap'),
      redisUrl: redisUrl(),
      logger,
      build: async () => ({
        routes: (app) => {
          const router = new Router();
          router.get('/conflict', () => {
            throw new ConflictError('already paid', { paymentId: 'p1' });
          });
          router.get('/crash', () => {
            throw new Error('database password is hunter2');
          });
          app.use(router.routes());
        },
      }),
    });
  });
  afterAll(async () => {
    await service.mongo.dropDatabase();
    await service.close();
  });

  it('answers /healthz and reports MongoDB and Redis ready on /readyz', async () => {
    expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { mongo: 'ok', redis: 'ok' } });
  });

  it('exposes Prometheus metrics including request durations by route', async () => {
    await fetch(`${service.url}/healthz`);
    const res = await fetch(`${service.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('renders application errors as problem+json with their code and echoes the request id', async () => {
    const res = await fetch(`${service.url}/conflict`, { headers: { 'X-Request-Id': 'req-123' } });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(await res.json()).toEqual({
      type: 'urn:problem:conflict',
      title: 'conflict',
      status: 409,
      code: 'conflict',
      detail: 'already paid',
      paymentId: 'p1',
    });
  });

  it('hides the message of an unexpected error behind an opaque 500', async () => {
    const res = await fetch(`${service.url}/crash`);
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toMatchObject({ status: 500, code: 'internal_error', detail: 'internal error' });
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('answers an unknown route with a problem+json 404 and replaces an unsafe request id', async () => {
    const res = await fetch(`${service.url}/nowhere`, { headers: { 'X-Request-Id': 'bad id; drop' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not_found', status: 404 });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const { app } = createServiceApp({
      name: 'degraded',
      logger,
      readiness: [
        { name: 'fine', check: async () => {} },
        { name: 'down', check: async () => Promise.reject(new Error('connection refused')) },
        { name: 'hung', check: () => new Promise(() => {}) },
      ],
    });
    server = await listen(app, 0, '127.0.0.1');
  });
  afterAll(() => server.close());

  it('is 503 naming each failing or hanging dependency, while /healthz stays 200', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: { fine: 'ok', down: 'connection refused', hung: 'timed out after 2000 ms' },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('a service process with a bad configuration', () => {
  it('refuses to start and names the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../../hub/main.ts')], {
      env: {
        PATH: process.env.PATH,
        MONGODB_URI: 'mongodb://127.0.0.1:1',
        REDIS_URL: 'redis://127.0.0.1:1',
        HUB_PORT: 'eighty',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/hub: Invalid configuration:\n\s+HUB_PORT: /);
  });
});
