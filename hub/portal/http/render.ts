import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TFunction } from 'i18next';
import type { Context } from 'koa';
import type nunjucks from 'nunjucks';
import { SUPPORTED_LOCALES } from '../../../infra/web/locale.js';
import { createViewEnvironment } from '../../../infra/web/views.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The portal's templates (hub/portal/views). */
export const VIEWS_DIR = join(here, '..', 'views');

/** The languages offered in the switch, each named in itself. */
export const LANGUAGE_NAMES = { en: 'English', hi: 'हिन्दी', bn: 'বাংলা' } as const;

/** One form error: the field's id (for the summary's link) and the message. */
export interface FieldError {
  field: string;
  text: string;
}

/**
 * A page's Content-Security-Policy: no script at all, styles and images from this origin only,
 * forms to this origin and `formActionOrigins`. Shared by the citizen and provider portals.
 */
export function pagePolicy(formActionOrigins: string[]): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self' ${formActionOrigins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Sets a page answer's status and headers: HTML, the policy `csp`, never cached (pages carry a CSRF token). */
export function sendPage(ctx: Context, status: number, csp: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Content-Security-Policy', csp);
  ctx.set('Cache-Control', 'no-store');
}

/** What the shared layout's error summary and fields read from a form's `errors`. */
export function formErrorsContext(errors: FieldError[]) {
  return {
    errors,
    errorList: errors.map((error) => ({ text: error.text, href: `#${error.field}` })),
    errorByField: Object.fromEntries(errors.map((error) => [error.field, { text: error.text }])),
    hasErrors: errors.length > 0,
  };
}

/**
 * The portal's pages: nunjucks (auto-escaping) on the shared layout. Every page gets a strict
 * Content-Security-Policy (no script at all; styles and images from this origin only; forms
 * may lead only to this origin, the idp and the gateway) and `Cache-Control: no-store`, since
 * pages carry a CSRF token and, signed in, the citizen's own data.
 */
export class PageRenderer {
  private readonly views: nunjucks.Environment;
  private readonly csp: string;

  constructor(formActionOrigins: string[]) {
    this.views = createViewEnvironment([VIEWS_DIR]);
    this.csp = pagePolicy(formActionOrigins);
  }

  /** Renders `view` as the answer, with the page title `titleKey` (a catalog key) and `errors`. */
  async render(
    ctx: Context,
    view: string,
    data: Record<string, unknown> & { titleKey: string; errors?: FieldError[]; titleValues?: Record<string, unknown> },
    status = 200,
  ): Promise<void> {
    const t = ctx.state.t as TFunction;
    const session = await ctx.state.session?.ensure();
    const errors = data.errors ?? [];
    sendPage(ctx, status, this.csp);
    ctx.body = this.views.render(`${view}.njk`, {
      ...data,
      lang: ctx.state.locale,
      t,
      pageTitle: t(data.titleKey, data.titleValues ?? {}),
      ...formErrorsContext(errors),
      csrf: session?.csrf ?? '',
      user: session?.user,
      signedIn: Boolean(session?.user),
      currentPath: ctx.originalUrl,
      languages: SUPPORTED_LOCALES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    });
  }
}
