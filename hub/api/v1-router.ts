import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { AppError, ValidationError } from '../../infra/errors.js';
import type { accessTokens } from './access-token.js';
import { billerErrorsAsProblems } from './biller-errors.js';
import { openApiDocument } from './openapi.js';
import type { RouteSpec } from './route-spec.js';
import { parseInput } from './validate.js';

/**
 * How long shared caches and browsers may keep a public answer (the biller directory and the
 * OpenAPI document): the same for everyone, changed only by a deploy, so a few minutes is safe.
 */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=300';

/**
 * Every /api/v1 answer is `Cache-Control: no-store` unless a route says otherwise: answers for a
 * token carry a citizen's bills, accounts and payments, and errors and webhooks are never worth
 * keeping (RFC 9111 §5.2.2.5; RFC 6750 §5.3 for token-bearing answers). Only a successful GET
 * on a public route is marked cacheable, after its handler ran, so an error is never cached.
 */
const noStoreByDefault: Middleware = async (ctx, next) => {
  ctx.set('Cache-Control', 'no-store');
  await next();
};

/**
 * Marks a public answer cacheable. It varies with `Authorization`: the same request with an
 * invalid token is a 401, so a cache must not answer it from a copy made for another header.
 */
function publicCacheable(ctx: Context): void {
  ctx.set('Cache-Control', PUBLIC_CACHE_CONTROL);
  ctx.vary('Authorization');
}

/** A body of another type than JSON is a 415 problem (RFC 9110 §15.5.16), not a puzzling 400. */
const jsonOnly =
  (route: RouteSpec): Middleware =>
  async (ctx, next) => {
    // is() is null when the request has no body: that is the schema's 400 to give.
    if (route.body && ctx.is('json') === false) {
      throw new AppError(415, 'unsupported_media_type', 'send the body as application/json');
    }
    if (route.textBody && ctx.is(route.textBody.mediaType) !== route.textBody.mediaType) {
      throw new AppError(415, 'unsupported_media_type', `send the body as ${route.textBody.mediaType}`);
    }
    await next();
  };

/**
 * A required Idempotency-Key is checked before the query and the body: a caller missing it is told
 * that first, by the header's name, not after fixing the body. (Other headers stay the route's:
 * a webhook's signature is judged, and refused in its own words, by its handler.)
 */
function requiredHeaders(route: RouteSpec, ctx: Context): void {
  for (const [name, header] of Object.entries(route.headers ?? {})) {
    if (name.toLowerCase() !== 'idempotency-key' || !header.required || !header.schema) continue;
    const result = header.schema.safeParse(ctx.get(name) || undefined);
    if (result.success) continue;
    const problem = result.error.issues[0]?.message ?? 'is not valid';
    throw new ValidationError(`${name}: ${problem}`, { fields: [{ field: name, problem }] });
  }
}

/** The parser of a route's body: JSON, or the text of its textBody's media type (a CSV upload). */
function bodyParserOf(route: RouteSpec, json: Middleware): Middleware {
  if (!route.textBody) return json;
  return bodyParser({
    enableTypes: ['text'],
    extendTypes: { text: [route.textBody.mediaType] },
    textLimit: route.textBody.limit,
    encoding: 'utf-8',
  });
}

/** /api/v1: every route from its spec, plus the OpenAPI document generated from the same specs. */
export function v1Router(routes: RouteSpec[], tokens: ReturnType<typeof accessTokens>, publicUrl: string): Router {
  const router = new Router({ prefix: '/api/v1' });
  // Bodies are small JSON documents; anything larger is refused with 413 before parsing.
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '32kb', encoding: 'utf-8' });
  const document = openApiDocument(routes, `${publicUrl}/api/v1`, { issuer: tokens.issuer, resource: tokens.audience });
  // Errors are rendered in one place: adapters' errors become API problems here, the rest as they are.
  router.use(billerErrorsAsProblems);

  router.get('/openapi.json', noStoreByDefault, tokens.checkIfPresented, (ctx) => {
    publicCacheable(ctx);
    ctx.body = document;
  });
  for (const route of routes) {
    // A public route needs no token, but checks one that is sent (access-token.ts).
    const guard = route.scopes ? tokens.requireAccess(route.callers, route.scopes) : tokens.checkIfPresented;
    const cacheable = route.scopes === null && route.method === 'get';
    router[route.method](
      route.path,
      noStoreByDefault,
      guard,
      jsonOnly(route),
      bodyParserOf(route, json),
      async (ctx) => {
        requiredHeaders(route, ctx);
        const query = route.query ? parseInput(route.query, ctx.query) : {};
        const body = route.body
          ? parseInput(route.body, ctx.request.body)
          : route.textBody
            ? typeof ctx.request.body === 'string'
              ? ctx.request.body
              : ''
            : undefined;
        const result = await route.handler(ctx, { query, body });
        ctx.status = route.status ?? 200;
        if (ctx.status !== 204) ctx.body = result;
        if (cacheable) publicCacheable(ctx);
      },
    );
  }
  return router;
}
