import type { Context } from 'koa';
import type nunjucks from 'nunjucks';
import { createViewEnvironment } from '../../../infra/web/views.js';
import { type FieldError, formErrorsContext, pagePolicy, sendPage } from '../http/render.js';
import type { SessionUser } from '../session/session-store.js';

/** What differs between the staff portals' pages. */
export interface StaffPagesSetup {
  /** The portal's templates. */
  viewsDir: string;
  /** The idp's origin: forms may lead there (sign in, sign out). */
  idpOrigin: string;
  /** The words the shared layout (infra/web/views/web-layout.njk) asks its translator for. */
  layoutText: Record<string, string>;
  /** The hint of every date field. */
  dateHint: string;
  /** What the portal's own layout and pages read besides the shared context (its stylesheet, its user's organisation). */
  pageContext(ctx: Context, user: SessionUser | undefined): Record<string, unknown>;
}

/**
 * A staff portal's server-rendered pages (nunjucks, auto-escaping, govuk-frontend macros) on the
 * shared layout, in English only. Every page gets a strict Content-Security-Policy (no script;
 * styles and images from this origin; forms only to this origin and the idp) and
 * `Cache-Control: no-store`, since pages carry a CSRF token and the portal's data.
 */
export class StaffPages {
  private readonly views: nunjucks.Environment;
  private readonly csp: string;

  constructor(private readonly setup: StaffPagesSetup) {
    this.views = createViewEnvironment([setup.viewsDir]);
    this.csp = pagePolicy([setup.idpOrigin]);
  }

  /** Renders `view` with the page `title`, form `errors` (with the summary) and `status`. */
  async render(
    ctx: Context,
    view: string,
    data: Record<string, unknown> & { title: string; errors?: FieldError[] },
    status = 200,
  ): Promise<void> {
    const session = await ctx.state.session?.ensure();
    const errors = data.errors ?? [];
    const user = session?.user;
    sendPage(ctx, status, this.csp);
    ctx.body = this.views.render(`${view}.njk`, {
      ...data,
      lang: 'en',
      ...this.setup.pageContext(ctx, user),
      dateHint: this.setup.dateHint,
      t: (key: string) => this.setup.layoutText[key] ?? key,
      pageTitle: data.title,
      ...formErrorsContext(errors),
      csrf: session?.csrf ?? '',
      user,
      signedIn: Boolean(user),
    });
  }
}
