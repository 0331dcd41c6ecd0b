import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { SandboxAppOptions } from '../shared/biller-sandbox.js';
import { acceptedOn, reportDateSchema } from '../shared/collection-file.js';
import { sandboxControlRouter } from '../shared/control-router.js';
import { FaultBook } from '../shared/faults.js';
import { DEFAULT_SANDBOX_CONSUMERS } from '../shared/population.js';
import { PostingBook, type SandboxPosting } from '../shared/posting-book.js';
import { authMiddleware } from './auth.js';
import type { BookEntry } from './books.js';
import type { CompiledErrorAnswer, CompiledSandbox, Template } from './compile.js';

/**
 * The engine that serves a declared sandbox: the biller's routes as its file describes them,
 * over books built from its rules, with the same FaultBook, PostingBook and /__sandbox controls
 * as the code sandboxes. Every answer body is a JSONata template of the file evaluated over
 * {consumer, demand, posting, request} (and {code, message} for refusals).
 */

/** What templates see of the request: never its headers (they carry the key). */
interface RequestView {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
}

/** What templates see of a posting: the PostingBook's record plus the API's word for its state. */
function postingView(posting: SandboxPosting, stateNames: Record<SandboxPosting['state'], string>) {
  return { ...posting, stateName: stateNames[posting.state] };
}

/** Builds the Koa app of a compiled sandbox file. */
export function createDeclaredApp(sandbox: CompiledSandbox, options: SandboxAppOptions = {}): Koa {
  const { file, templates } = sandbox;
  const { routes } = file;
  const book = sandbox.books.build(options.consumers ?? DEFAULT_SANDBOX_CONSUMERS, options.clock?.() ?? new Date());
  const faults = new FaultBook();
  const postings = new PostingBook();
  const template = (path: string) => templates.get(path) as Template;
  const requestOf = (ctx: Koa.Context): RequestView => ({
    method: ctx.method,
    path: ctx.path,
    params: (ctx as unknown as { params?: Record<string, string> }).params ?? {},
    query: { ...ctx.query },
    ...(ctx.request.body !== undefined ? { body: ctx.request.body } : {}),
  });
  /** Evaluates an expression over {request}; what it gives, as text ('' for nothing). */
  const textOf = async (path: string, request: RequestView) => {
    const value = await template(path).evaluate({ request });
    return value === undefined || value === null ? '' : String(value);
  };
  const entryView = (entry: BookEntry | undefined) =>
    entry ? { consumer: entry.consumer, ...(entry.demand ? { demand: entry.demand } : {}) } : {};

  const ok = async (ctx: Koa.Context, status: number, body: Template, input: Record<string, unknown>) => {
    const rendered = await body.evaluate(input);
    if (rendered === undefined) throw new Error('an answer template gave nothing');
    ctx.status = status;
    ctx.body = rendered;
  };
  const refuse = async (
    ctx: Koa.Context,
    answer: CompiledErrorAnswer,
    input: Record<string, unknown> = {},
    override: { code?: string; message?: string; status?: number } = {},
  ) => {
    ctx.status = override.status ?? answer.status;
    ctx.body = await answer.template.evaluate({
      ...input,
      code: override.code ?? answer.code,
      message: override.message ?? answer.message ?? '',
    });
  };
  const unavailable = (ctx: Koa.Context, request: RequestView) => refuse(ctx, sandbox.errors.unavailable, { request });

  const api = new Router();
  const auth = authMiddleware(sandbox);
  if (auth) api.use(auth);

  const fetch = routes.fetch;
  api.register(fetch.path, [fetch.method], async (ctx) => {
    const request = requestOf(ctx);
    const key = await textOf('routes.fetch.consumer', request);
    if (!sandbox.pattern.test(key)) return refuse(ctx, sandbox.errorAnswer(fetch.malformed, 'routes.fetch.malformed'));
    if ((await faults.apply(key)).kind === 'error_5xx') return unavailable(ctx, request);
    const entry = book.get(key);
    if (!entry) return refuse(ctx, sandbox.errorAnswer(fetch.notFound, 'routes.fetch.notFound'), { request });
    const input = { request, ...entryView(entry) };
    if (!entry.demand) return refuse(ctx, sandbox.errorAnswer(fetch.noDemand, 'routes.fetch.noDemand'), input);
    await ok(ctx, fetch.found.status, template('routes.fetch.found.body'), input);
  });

  const post = routes.post;
  /** A refusal of the post route, rendered by `errors.body` with its declared code and message. */
  const refusedAnswer = (code: string): CompiledErrorAnswer => ({
    status: post.refusedStatus,
    code,
    message: post.refusals.find((refusal) => refusal.code === code)?.message ?? '',
    template: template('errors.body'),
  });
  api.register(
    post.path,
    [post.method],
    [
      bodyParser({ enableTypes: ['json'] }),
      async (ctx) => {
        const request = requestOf(ctx);
        const parsed = sandbox.postBody.safeParse(ctx.request.body ?? {});
        const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
        const [reference, key, billNumber, amountMinor] = parsed.success
          ? await Promise.all(
              ['reference', 'consumer', 'billNumber', 'amountMinor'].map((name) =>
                template(`routes.post.${name}`).evaluate({ request }),
              ),
            )
          : [];
        if (parsed.success && (typeof reference !== 'string' || reference === '')) issues.push('no reference');
        if (parsed.success && !Number.isSafeInteger(amountMinor))
          issues.push('the amount is not a whole number of paise');
        if (issues.length > 0)
          return refuse(ctx, sandbox.errors.badRequest, { request }, { message: issues.join('; ') });

        const consumerKey = String(key ?? '');
        const action = await faults.apply(consumerKey);
        if (action.kind === 'error_5xx') return unavailable(ctx, request);
        const entry = book.get(consumerKey);
        let refusalCode: string | undefined;
        if (action.kind === 'reject') refusalCode = post.injectedRefusal;
        else if (entry) {
          const input = { request, ...entryView(entry) };
          for (const [i, refusal] of post.refusals.entries()) {
            if (await template(`routes.post.refusals[${i}].when`).evaluate(input)) {
              refusalCode = refusal.code;
              break;
            }
          }
        }

        // From here to the answer nothing awaits before the posting is recorded, so two concurrent
        // repeats of one reference cannot both be new.
        const existing = postings.find(reference as string);
        const created = existing
          ? undefined
          : entry &&
            postings.record(
              {
                reference: reference as string,
                consumerKey,
                billNumber: String(billNumber ?? ''),
                amountMinor: amountMinor as number,
                state: refusalCode ? 'rejected' : action.kind === 'pending' ? 'pending' : 'accepted',
                ...(!refusalCode && action.kind === 'pending' ? { confirmAt: Date.now() + action.confirmAfterMs } : {}),
                ...(refusalCode ? { rejectCode: refusalCode } : {}),
              },
              file.receiptPrefix,
            );
        const posting = existing ?? created;
        if (!posting) return refuse(ctx, sandbox.errorAnswer(post.notFound, 'routes.post.notFound'), { request });
        const input = {
          request,
          ...entryView(book.get(posting.consumerKey)),
          posting: postingView(posting, file.postingStates),
        };
        if (posting.state === 'rejected') {
          return refuse(ctx, refusedAnswer(posting.rejectCode ?? ''), input);
        }
        await ok(ctx, existing ? post.repeatStatus : post.created.status, template('routes.post.created.body'), input);
      },
    ],
  );

  const status = routes.status;
  api.register(status.path, [status.method], async (ctx) => {
    const request = requestOf(ctx);
    const reference = await textOf('routes.status.reference', request);
    const action = await faults.apply(postings.find(reference)?.consumerKey);
    if (action.kind === 'error_5xx') return unavailable(ctx, request);
    // Looked up again after any injected latency: a pending posting may have been confirmed meanwhile.
    const posting = postings.find(reference);
    if (!posting) return refuse(ctx, sandbox.errorAnswer(status.notFound, 'routes.status.notFound'), { request });
    await ok(ctx, status.found.status, template('routes.status.found.body'), {
      request,
      ...entryView(book.get(posting.consumerKey)),
      posting: postingView(posting, file.postingStates),
    });
  });

  const report = routes.report;
  if (report) {
    api.register(report.path, [report.method], async (ctx) => {
      const request = requestOf(ctx);
      const date = await textOf('routes.report.date', request);
      if (!reportDateSchema.safeParse(date).success) {
        return refuse(ctx, sandbox.errorAnswer(report.badDate, 'routes.report.badDate'), { request });
      }
      const accepted = acceptedOn(postings, date).map(({ posting, acceptedAt }) => ({
        ...postingView(posting, file.postingStates),
        acceptedAt,
      }));
      await ok(ctx, report.found.status, template('routes.report.found.body'), { request, date, postings: accepted });
    });
  }

  const control = sandboxControlRouter(faults, postings);
  const app = new Koa();
  // Whatever goes wrong (bad JSON, a template that fails) is still answered in the API's own shape.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      const status = Number((caught as { status?: number }).status) || 500;
      const answer = status < 500 ? sandbox.errors.badRequest : sandbox.errors.internal;
      await refuse(ctx, answer, {}, status < 500 ? { message: (caught as Error).message } : {}).catch(() => {
        ctx.status = answer.status;
        ctx.body = { error: answer.code };
      });
    }
  });
  app.use(control.routes()).use(control.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  app.use((ctx) => refuse(ctx, sandbox.errors.noRoute, {}, { message: `no route ${ctx.method} ${ctx.path}` }));
  return app;
}
