import Router from '@koa/router';
import type { Registry } from 'prom-client';

/** A named dependency probe for /readyz; it must settle within the probe timeout. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

const PROBE_TIMEOUT_MS = 2_000;

async function runCheck({ name, check }: ReadinessCheck): Promise<[string, string]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return [name, 'ok'];
  } catch (error) {
    return [name, (error as Error).message];
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process answers. /readyz: every dependency answers. /metrics: Prometheus text. */
export function operationalRoutes(checks: ReadinessCheck[], registry: Registry): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = Object.fromEntries(await Promise.all(checks.map(runCheck)));
    const ready = Object.values(results).every((r) => r === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: results };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
