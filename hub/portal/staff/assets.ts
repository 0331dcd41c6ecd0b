import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

/** The rules every staff portal uses (wide tables in scrolling regions, one-line references, the header's navigation). */
const SHARED_CSS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'staff-portal.css');

/**
 * Serves GET/HEAD `path`: a staff portal's stylesheet, linked after the shared design's
 * (infra/web/design-assets.ts): the staff portals' shared rules, then the portal's own from
 * `ownCssPath`. Read once, cached for a day and revalidated with an ETag, as the shared design's
 * assets are.
 */
export function staffStylesheet(path: string, ownCssPath: string): Middleware {
  let css: { body: Buffer; etag: string } | undefined;
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path !== path) return next();
    if (!css) {
      const body = Buffer.concat([readFileSync(SHARED_CSS_PATH), Buffer.from('\n'), readFileSync(ownCssPath)]);
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
