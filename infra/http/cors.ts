import cors from '@koa/cors';
import type { Middleware } from 'koa';

export interface CorsPolicy {
  /** Exact origins (`https://portal.example.in`, no path) that may call from a browser; empty denies all. */
  origins: readonly string[];
  /** Request headers a browser may send cross-origin (answered in a preflight). */
  allowHeaders: readonly string[];
  /** Response headers a browser script may read. */
  exposeHeaders?: readonly string[];
  /** Seconds a browser may reuse a preflight answer. */
  maxAgeSeconds?: number;
}

/**
 * A deny-by-default CORS policy (Fetch standard, CORS protocol) on @koa/cors: a request whose
 * `Origin` is in the allow-list gets `Access-Control-Allow-Origin: <that origin>` (never `*`),
 * and its preflight (OPTIONS with `Access-Control-Request-Method`) is answered 204 with the
 * allowed methods and headers. Any other origin gets no CORS header at all, so the browser
 * keeps the answer from the calling page; a preflight from it falls through to the routes (an
 * OPTIONS answer without CORS headers, which the browser treats as a refusal). No credentials:
 * the API authenticates with bearer tokens, never cookies. `Vary: Origin` is always sent so
 * caches keep per-origin answers apart.
 */
export function corsPolicy(policy: CorsPolicy): Middleware {
  const allowed = new Set(policy.origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: [...policy.allowHeaders],
    exposeHeaders: [...(policy.exposeHeaders ?? [])],
    maxAge: policy.maxAgeSeconds ?? 600,
    credentials: false,
    keepHeadersOnError: true,
  });
}
