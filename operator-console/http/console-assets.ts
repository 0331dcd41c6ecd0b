import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

/** Where every console page links its own styles, after the shared design's (infra/web/design-assets.ts). */
export const CONSOLE_STYLESHEET = '/assets/operator-console.css';

const CSS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'operator-console.css');

let css: { body: Buffer; etag: string } | undefined;

/**
 * Serves GET/HEAD CONSOLE_STYLESHEET: the operator console's few styles of its own (wide
 * tables in scrolling regions, references and dates kept on one line, the header's navigation).
 * Cached for a day and revalidated with an ETag, as the shared design's assets are.
 */
export function consoleAssets(): Middleware {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path !== CONSOLE_STYLESHEET) return next();
    if (!css) {
      const body = readFileSync(CSS_PATH);
      css = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('ETag', css.etag);
    ctx.type = 'text/css; charset=utf-8';
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = css.body;
  };
}
