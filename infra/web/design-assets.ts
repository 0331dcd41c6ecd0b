import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

/** Where every page links its styles. */
export const STYLESHEET = '/assets/app.css';
/** The site icon every page links. */
export const FAVICON = '/assets/images/favicon.svg';

/**
 * The font stack that replaces GDS Transport: each platform's own UI font, then the Indic fonts
 * that Debian, Android and Windows ship, so Hindi and Bengali never fall back to boxes.
 */
export const SYSTEM_FONT_STACK =
  'system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,' +
  '"Noto Sans Devanagari","Lohit Devanagari",Mangal,"Noto Sans Bengali","Lohit Bengali",Vrinda,sans-serif';

const here = dirname(fileURLToPath(import.meta.url));
const govukCssPath = createRequire(import.meta.url).resolve('govuk-frontend/dist/govuk/govuk-frontend.min.css');

/**
 * govuk-frontend's compiled CSS without the GOV.UK brand, done on the text at load time (no
 * sass): the GDS Transport `@font-face` rules go (that typeface is licensed to GOV.UK only), its
 * font stack becomes SYSTEM_FONT_STACK, the crown crest image goes, and the source map comment
 * goes (the map is not served).
 */
export function debrandGovukCss(css: string): string {
  return css
    .replace(/@font-face\{[^}]*GDS Transport[^}]*\}/g, '')
    .replace(/font-family:\s*"?GDS Transport"?\s*,\s*arial\s*,\s*sans-serif/gi, `font-family:${SYSTEM_FONT_STACK}`)
    .replace(/url\(\/assets\/images\/govuk-crest\.svg\)/g, 'none')
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function asset(body: string | Buffer, type: string): Asset {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { body: buffer, type, etag: `"${createHash('sha256').update(buffer).digest('base64url').slice(0, 27)}"` };
}

let assets: Map<string, Asset> | undefined;
/** Built on first use, then kept: the files do not change while the process runs. */
function loadAssets(): Map<string, Asset> {
  assets ??= new Map([
    [
      STYLESHEET,
      asset(
        `${debrandGovukCss(readFileSync(govukCssPath, 'utf8'))}\n${readFileSync(join(here, 'assets/additions.css'), 'utf8')}`,
        'text/css; charset=utf-8',
      ),
    ],
    [FAVICON, asset(readFileSync(join(here, 'assets/favicon.svg')), 'image/svg+xml')],
  ]);
  return assets;
}

/**
 * Serves the shared design: GET/HEAD `/assets/app.css` (the de-branded govuk-frontend styles plus
 * the project's additions, infra/web/assets/additions.css) and `/assets/images/favicon.svg` (the
 * project's own icon: govuk-frontend's images are all the crown, so none of them is served).
 * The URLs are fixed, so answers are cached for a day and revalidated with an ETag (304).
 * Anything else under /assets falls through to the app's 404.
 */
export function designAssets(): Middleware {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith('/assets/')) return next();
    const found = loadAssets().get(ctx.path);
    if (!found) return next();
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('ETag', found.etag);
    ctx.type = found.type;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = found.body;
  };
}
