import type Router from '@koa/router';
import { AppError } from '../errors.js';

type RouterMiddleware = ReturnType<Router['allowedMethods']>;

/**
 * The router's answers for a method it has no route for, as problem+json (RFC 9457) through
 * problemResponses: a known path gets 405 with the `Allow` header (RFC 9110 §15.5.6), also for
 * methods the router does not know at all (which @koa/router would answer 501 in plain text);
 * an unknown path gets 404. OPTIONS on a known path keeps the router's 200 with `Allow`.
 * The answers are thrown, not set: a status set here would be rewritten to 501 by the
 * operational router's own allowedMethods, which wraps every later router (service-app.ts).
 */
export function allowedMethodsAsProblems(router: Router): RouterMiddleware {
  const allowedMethods = router.allowedMethods();
  return async (ctx, next) => {
    await allowedMethods(ctx, next);
    if ((ctx.status !== 405 && ctx.status !== 501) || ctx.body != null) return;
    const allow = ctx.response.get('Allow');
    if (allow) throw new AppError(405, 'method_not_allowed', `${ctx.method} is not allowed here; use ${allow}`);
    ctx.remove('Allow');
    throw new AppError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
  };
}
