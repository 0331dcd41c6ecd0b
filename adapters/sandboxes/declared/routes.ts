import type { Middleware } from 'koa';
import { acceptedOn, reportDateSchema } from '../shared/collection-file.js';
import type { CompiledErrorAnswer } from './compile.js';
import type { Engine } from './engine.js';

/**
 * The biller's routes, one handler per role the file declares (README.md, "Routes"). Faults are
 * applied as the code sandboxes apply them: by the consumer key, before the books are read.
 */

/** The bill fetch: malformed, unavailable (injected 5xx), notFound, noDemand, or found. */
export function fetchHandler(engine: Engine): Middleware {
  const { sandbox, faults, book } = engine;
  const route = sandbox.file.routes.fetch;
  const malformed = sandbox.errorAnswer(route.malformed, 'routes.fetch.malformed');
  const notFound = sandbox.errorAnswer(route.notFound, 'routes.fetch.notFound');
  const noDemand = sandbox.errorAnswer(route.noDemand, 'routes.fetch.noDemand');
  const found = engine.template('routes.fetch.found.body');
  return async (ctx) => {
    const request = engine.requestOf(ctx);
    const key = await engine.textOf('routes.fetch.consumer', request);
    if (!sandbox.pattern.test(key)) return engine.refuse(ctx, malformed, { request });
    if ((await faults.apply(key)).kind === 'error_5xx')
      return engine.refuse(ctx, sandbox.errors.unavailable, { request });
    const entry = book.get(key);
    if (!entry) return engine.refuse(ctx, notFound, { request });
    const input = { request, ...engine.entryView(entry) };
    if (!entry.demand) return engine.refuse(ctx, noDemand, input);
    await engine.ok(ctx, route.found.status, found, input);
  };
}

/**
 * The posting: idempotent on its reference (the PostingBook records it once; a repeat answers
 * the same), refused by the first declared refusal that holds or by an injected `reject`,
 * pending under `pending_then_accept`.
 */
export function postHandler(engine: Engine): Middleware {
  const { sandbox, faults, book, postings } = engine;
  const route = sandbox.file.routes.post;
  const notFound = sandbox.errorAnswer(route.notFound, 'routes.post.notFound');
  const created = engine.template('routes.post.created.body');
  const read = ['reference', 'consumer', 'billNumber', 'amountMinor'].map((name) =>
    engine.template(`routes.post.${name}`),
  );
  const refusals = route.refusals.map((refusal, i) => ({
    ...refusal,
    when: engine.template(`routes.post.refusals[${i}].when`),
  }));
  /** A refusal of the posting, rendered by `errors.body` with its declared code and message. */
  const refused = (code: string): CompiledErrorAnswer => ({
    status: route.refusedStatus,
    code,
    message: route.refusals.find((refusal) => refusal.code === code)?.message ?? '',
    template: engine.template('errors.body'),
  });

  return async (ctx) => {
    const request = engine.requestOf(ctx);
    const parsed = sandbox.postBody.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return engine.refuse(ctx, sandbox.errors.badRequest, { request }, { message });
    }
    const [reference, key, billNumber, amountMinor] = await Promise.all(read.map((e) => e.evaluate({ request })));
    if (typeof reference !== 'string' || reference === '' || !Number.isSafeInteger(amountMinor)) {
      const message = 'the reference must be text and the amount a whole number of minor units';
      return engine.refuse(ctx, sandbox.errors.badRequest, { request }, { message });
    }

    const consumerKey = String(key ?? '');
    const action = await faults.apply(consumerKey);
    if (action.kind === 'error_5xx') return engine.refuse(ctx, sandbox.errors.unavailable, { request });
    const entry = book.get(consumerKey);
    let refusal: string | undefined = action.kind === 'reject' ? route.injectedRefusal : undefined;
    if (entry && !refusal) {
      const input = { request, ...engine.entryView(entry) };
      for (const candidate of refusals) {
        if (await candidate.when.evaluate(input)) {
          refusal = candidate.code;
          break;
        }
      }
    }

    // From the look-up to the record nothing awaits, so two concurrent repeats of one reference
    // cannot both be new.
    const existing = postings.find(reference);
    const pending = !refusal && action.kind === 'pending' ? action.confirmAfterMs : undefined;
    const posting =
      existing ??
      (entry &&
        postings.record(
          {
            reference,
            consumerKey,
            billNumber: String(billNumber ?? ''),
            amountMinor: amountMinor as number,
            state: refusal ? 'rejected' : pending !== undefined ? 'pending' : 'accepted',
            ...(pending !== undefined ? { confirmAt: Date.now() + pending } : {}),
            ...(refusal ? { rejectCode: refusal } : {}),
          },
          sandbox.file.receiptPrefix,
        ));
    if (!posting) return engine.refuse(ctx, notFound, { request });
    const input = { request, ...engine.entryView(book.get(posting.consumerKey)), posting: engine.postingView(posting) };
    if (posting.state === 'rejected') return engine.refuse(ctx, refused(posting.rejectCode ?? ''), input);
    await engine.ok(ctx, existing ? route.repeatStatus : route.created.status, created, input);
  };
}

/** The status enquiry: the posting under the reference, its pending state settled by the clock. */
export function statusHandler(engine: Engine): Middleware {
  const { sandbox, faults, book, postings } = engine;
  const route = sandbox.file.routes.status;
  const notFound = sandbox.errorAnswer(route.notFound, 'routes.status.notFound');
  const found = engine.template('routes.status.found.body');
  return async (ctx) => {
    const request = engine.requestOf(ctx);
    const reference = await engine.textOf('routes.status.reference', request);
    const action = await faults.apply(postings.find(reference)?.consumerKey);
    if (action.kind === 'error_5xx') return engine.refuse(ctx, sandbox.errors.unavailable, { request });
    // Looked up again after any injected latency: a pending posting may have been confirmed meanwhile.
    const posting = postings.find(reference);
    if (!posting) return engine.refuse(ctx, notFound, { request });
    await engine.ok(ctx, route.found.status, found, {
      request,
      ...engine.entryView(book.get(posting.consumerKey)),
      posting: engine.postingView(posting),
    });
  };
}

/** The day report: the postings accepted on one IST date, each with `acceptedAt`. */
export function reportHandler(engine: Engine): Middleware | undefined {
  const { sandbox, postings } = engine;
  const route = sandbox.file.routes.report;
  if (!route) return undefined;
  const badDate = sandbox.errorAnswer(route.badDate, 'routes.report.badDate');
  const found = engine.template('routes.report.found.body');
  return async (ctx) => {
    const request = engine.requestOf(ctx);
    const date = await engine.textOf('routes.report.date', request);
    if (!reportDateSchema.safeParse(date).success) return engine.refuse(ctx, badDate, { request });
    const accepted = acceptedOn(postings, date).map(({ posting, acceptedAt }) => ({
      ...engine.postingView(posting),
      acceptedAt,
    }));
    await engine.ok(ctx, route.found.status, found, { request, date, postings: accepted });
  };
}
