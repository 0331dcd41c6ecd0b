import { createHash, timingSafeEqual } from 'node:crypto';
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

/** Compares a presented bearer token with the expected one in constant time (by their hashes). */
function sameToken(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** What a service in several processes changes on its operational routes (infra/cluster.ts). */
export interface ProcessView {
  /** Which process answered (a cluster worker's id and pid): /readyz names it. */
  worker?: { id: number; pid: number };
  /** The Prometheus text /metrics serves instead of this process's registry alone (the whole cluster's). */
  metricsText?: () => Promise<string>;
}

/**
 * /healthz: the process answers. /readyz: every dependency answers. /metrics: Prometheus text,
 * for whom `metricsToken` allows: a string asks for `Authorization: Bearer <it>` (401 otherwise),
 * `null` closes it (404), undefined leaves it open (development, tests). `metricsPath` moves it
 * (default /metrics) for an app whose own page has that path (the operator console's Metrics page).
 */
export function operationalRoutes(
  checks: ReadinessCheck[],
  registry: Registry,
  metricsToken?: string | null,
  metricsPath = '/metrics',
  view: ProcessView = {},
): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = Object.fromEntries(await Promise.all(checks.map(runCheck)));
    const ready = Object.values(results).every((r) => r === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      status: ready ? 'ready' : 'not_ready',
      checks: results,
      ...(view.worker ? { worker: view.worker } : {}),
    };
  });
  router.get(metricsPath, async (ctx) => {
    const expected = metricsToken;
    if (expected === null) return ctx.throw(404);
    if (expected !== undefined) {
      const presented = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'))?.[1];
      if (!presented || !sameToken(presented, expected)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        ctx.throw(401, 'metrics need the METRICS_TOKEN bearer token');
      }
    }
    ctx.type = registry.contentType;
    ctx.body = await (view.metricsText ? view.metricsText() : registry.metrics());
  });
  return router;
}
