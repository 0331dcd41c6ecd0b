import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { SandboxAppOptions } from '../shared/biller-sandbox.js';
import { sandboxControlRouter } from '../shared/control-router.js';
import { authMiddleware } from './auth.js';
import type { CompiledSandbox } from './compile.js';
import { createEngine, type Engine } from './engine.js';
import { fetchHandler, postHandler, reportHandler, statusHandler } from './routes.js';

/**
 * The app that serves a declared sandbox: the biller's routes as its file describes them
 * (routes.ts), behind its auth (auth.ts), over books built from its rules, with the same
 * FaultBook, PostingBook and /__sandbox controls as the code sandboxes. Every answer body is a
 * JSONata template of the file evaluated over {consumer, demand, posting, request}.
 */
export function createDeclaredApp(sandbox: CompiledSandbox, options: SandboxAppOptions = {}): Koa {
  const engine = createEngine(sandbox, options);
  const { routes } = sandbox.file;
  const api = new Router();
  const auth = authMiddleware(sandbox);
  if (auth) api.use(auth);
  api.register(routes.fetch.path, [routes.fetch.method], fetchHandler(engine));
  api.register(routes.post.path, [routes.post.method], [bodyParser({ enableTypes: ['json'] }), postHandler(engine)]);
  api.register(routes.status.path, [routes.status.method], statusHandler(engine));
  const report = reportHandler(engine);
  if (routes.report && report) api.register(routes.report.path, [routes.report.method], report);

  const control = sandboxControlRouter(engine.faults, engine.postings);
  const app = new Koa();
  // Whatever goes wrong (bad JSON, a template that fails) is still answered in the API's own shape.
  app.use((ctx, next) => next().catch((caught: unknown) => answerThrown(engine, ctx, caught)));
  app.use(control.routes()).use(control.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  app.use((ctx) => engine.refuse(ctx, sandbox.errors.noRoute, {}, { message: `no route ${ctx.method} ${ctx.path}` }));
  return app;
}

/**
 * Answers what a handler threw: a client error (the body parser's 400, 413, 415) as the file's
 * `badRequest` with its message, anything else as `internal`. Falls back to a bare
 * `{error: code}` when the file's error template itself fails.
 */
async function answerThrown(engine: Engine, ctx: Koa.Context, caught: unknown): Promise<void> {
  const status = Number((caught as { status?: number }).status) || 500;
  const { badRequest, internal } = engine.sandbox.errors;
  const answer = status < 500 ? badRequest : internal;
  try {
    await engine.refuse(ctx, answer, {}, status < 500 ? { message: (caught as Error).message } : {});
  } catch {
    ctx.status = answer.status;
    ctx.body = { error: answer.code };
  }
}
