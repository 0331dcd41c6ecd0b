import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';

// No script may run on the page; the form posts to this origin and then redirects to the merchant.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/** Sends a hosted page: no scripts, never cached. */
export function html(ctx: Koa.Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

/** 303, so the browser follows with a GET whatever the form's method was. */
export function seeOther(ctx: Koa.Context, location: string): void {
  ctx.redirect(location);
  ctx.status = 303;
}

/** One hosted page of the sandbox gateway (checkout, mandate approval): what it finds and shows. */
export interface HostedPage<T> {
  /** Path prefix, e.g. '/checkout'. */
  prefix: string;
  find(id: string): T | undefined;
  /** The 404 page for an unknown id. */
  notFoundPage(id: string): string;
  /** The page GET shows for a known item. */
  page(item: T): string;
  /** Handles the POSTed form (already parsed) for a known item. */
  submit(ctx: Koa.Context, id: string, item: T): void;
}

/**
 * GET prefix/:id shows the item's page and POST prefix/:id takes its form; an unknown id is a
 * 404 page on both. Shared by the hosted checkout and the mandate approval page.
 */
export function hostedPageRouter<T>(spec: HostedPage<T>): Router {
  const router = new Router({ prefix: spec.prefix });

  router.get('/:id', (ctx) => {
    const id = ctx.params.id ?? '';
    const item = spec.find(id);
    if (!item) return html(ctx, 404, spec.notFoundPage(id));
    html(ctx, 200, spec.page(item));
  });

  router.post('/:id', bodyParser({ enableTypes: ['form'] }), (ctx) => {
    const id = ctx.params.id ?? '';
    const item = spec.find(id);
    if (!item) return html(ctx, 404, spec.notFoundPage(id));
    spec.submit(ctx, id, item);
  });

  return router;
}
