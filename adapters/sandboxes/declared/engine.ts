import type Koa from 'koa';
import type { SandboxAppOptions } from '../shared/biller-sandbox.js';
import { FaultBook } from '../shared/faults.js';
import { DEFAULT_SANDBOX_CONSUMERS } from '../shared/population.js';
import { PostingBook, type SandboxPosting } from '../shared/posting-book.js';
import type { BookEntry } from './books.js';
import type { CompiledErrorAnswer, CompiledSandbox, Template } from './compile.js';

/** What templates see of the request: never its headers (they carry the key). */
export interface RequestView {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
}

/** What a template is evaluated over: {request} and, where they exist, consumer, demand, posting, ... */
export type TemplateInput = { request: RequestView } & Record<string, unknown>;

/**
 * One running declared sandbox's state and answering helpers, shared by its route handlers
 * (routes.ts): its books, the shared FaultBook and PostingBook, and the file's templates.
 */
export interface Engine {
  sandbox: CompiledSandbox;
  book: ReadonlyMap<string, BookEntry>;
  faults: FaultBook;
  postings: PostingBook;
  /** The compiled expression at a field path of the file, e.g. `routes.fetch.found.body`. */
  template(path: string): Template;
  requestOf(ctx: Koa.Context): RequestView;
  /** An expression over {request} as text ('' when it gives nothing). */
  textOf(path: string, request: RequestView): Promise<string>;
  /** {consumer, demand} of a book entry; demand left out when nothing is due. */
  entryView(entry: BookEntry | undefined): Record<string, unknown>;
  /** The posting as templates see it: the PostingBook's record plus `stateName`, the API's word. */
  postingView(posting: SandboxPosting): Record<string, unknown>;
  /** Answers `status` with the template's body; throws (answered `errors.internal`) when it gives nothing. */
  ok(ctx: Koa.Context, status: number, body: Template, input: TemplateInput): Promise<void>;
  /** Answers a refusal: its status, and its template over the input with its code and message. */
  refuse(
    ctx: Koa.Context,
    answer: CompiledErrorAnswer,
    input?: Partial<TemplateInput>,
    override?: { code?: string; message?: string },
  ): Promise<void>;
}

/** Builds the books (population from options.consumers, dates from options.clock) and the engine. */
export function createEngine(sandbox: CompiledSandbox, options: SandboxAppOptions = {}): Engine {
  const book = sandbox.books.build(options.consumers ?? DEFAULT_SANDBOX_CONSUMERS, options.clock?.() ?? new Date());
  const template = (path: string) => {
    const found = sandbox.templates.get(path);
    if (!found) throw new Error(`no template at ${path}`);
    return found;
  };
  return {
    sandbox,
    book,
    faults: new FaultBook(),
    postings: new PostingBook(),
    template,
    requestOf: (ctx) => ({
      method: ctx.method,
      path: ctx.path,
      params: (ctx as unknown as { params?: Record<string, string> }).params ?? {},
      query: { ...ctx.query },
      ...(ctx.request.body !== undefined ? { body: ctx.request.body } : {}),
    }),
    async textOf(path, request) {
      const value = await template(path).evaluate({ request });
      return value === undefined || value === null ? '' : String(value);
    },
    entryView: (entry) =>
      entry ? { consumer: entry.consumer, ...(entry.demand ? { demand: entry.demand } : {}) } : {},
    postingView: (posting) => ({ ...posting, stateName: sandbox.file.postingStates[posting.state] }),
    async ok(ctx, status, body, input) {
      const rendered = await body.evaluate(input);
      if (rendered === undefined) throw new Error('an answer template gave nothing');
      ctx.status = status;
      ctx.body = rendered;
    },
    async refuse(ctx, answer, input = {}, override = {}) {
      ctx.status = answer.status;
      ctx.body = await answer.template.evaluate({
        ...input,
        code: override.code ?? answer.code,
        message: override.message ?? answer.message ?? '',
      });
    },
  };
}
