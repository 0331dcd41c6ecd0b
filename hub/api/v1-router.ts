import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { accessTokens } from './access-token.js';
import { openApiDocument } from './openapi.js';
import type { RouteSpec } from './route-spec.js';
import { parseInput } from './validate.js';

/** /api/v1: every route from its spec, plus the OpenAPI document generated from the same specs. */
export function v1Router(routes: RouteSpec[], tokens: ReturnType<typeof accessTokens>, publicUrl: string): Router {
  const router = new Router({ prefix: '/api/v1' });
  // Bodies are small JSON documents; anything larger is refused with 413 before parsing.
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '32kb', encoding: 'utf-8' });
  const document = openApiDocument(routes, `${publicUrl}/api/v1`);

  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  for (const route of routes) {
    const guard = route.scopes
      ? tokens.requireScopes(...route.scopes)
      : async (_ctx: unknown, next: () => Promise<void>) => next();
    router[route.method](route.path, guard, json, async (ctx) => {
      const query = route.query ? parseInput(route.query, ctx.query) : {};
      const body = route.body ? parseInput(route.body, ctx.request.body) : undefined;
      const result = await route.handler(ctx, { query, body });
      ctx.status = route.status ?? 200;
      if (ctx.status !== 204) ctx.body = result;
    });
  }
  return router;
}
