import type Koa from 'koa';

/** A refusal in the sandbox's own JSON shape: `{ error: { code, message, details? } }`. */
export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export const notFound = (what: string, id: string) => new SandboxApiError(404, `${what}_not_found`, `no ${what} ${id}`);

/** Whatever goes wrong (a refusal, bad JSON, a bug) is answered in the sandbox's shape. */
export async function sandboxErrors(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  try {
    await next();
  } catch (caught) {
    if (caught instanceof SandboxApiError) {
      ctx.status = caught.status;
      ctx.body = {
        error: { code: caught.code, message: caught.message, ...(caught.details ? { details: caught.details } : {}) },
      };
      return;
    }
    // Koa's own http-errors (e.g. the body parser's 400, 413, 415) say what was wrong.
    const status = Number((caught as { status?: number }).status) || 500;
    ctx.status = status;
    ctx.body =
      status < 500
        ? { error: { code: 'invalid_request', message: (caught as Error).message } }
        : { error: { code: 'internal_error', message: 'internal error' } };
  }
}
