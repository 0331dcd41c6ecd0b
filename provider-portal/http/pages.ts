import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';
import type nunjucks from 'nunjucks';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { type FieldError, formErrorsContext, pagePolicy, sendPage } from '../../hub/portal/http/render.js';
import { createViewEnvironment } from '../../infra/web/views.js';
import type { MemberUser } from '../oidc/member-relying-party.js';
import { PORTAL_STYLESHEET } from './portal-assets.js';

/** The portal's templates. */
export const VIEWS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'views');

/**
 * The words the shared layout (infra/web/views/web-layout.njk) asks its translator for. The
 * provider portal is in English only (README.md): providers' staff work in English here, while
 * payers get their messages in their own language from the hub.
 */
const LAYOUT_TEXT: Record<string, string> = {
  'layout.serviceName': 'Citizen BillPay for providers',
  'layout.skipLink': 'Skip to main content',
  'layout.footer': 'Payment demands of your organisation, collected through Citizen BillPay.',
  'layout.errorPrefix': 'Error',
};

/** The hint of every date field (text fields read by forms/dates.ts, never type=date's mm/dd/yyyy). */
export const DATE_HINT = 'For example, 2027-01-31 (year-month-day)';

/** One form error: the field's id (the summary links to it) and the sentence shown. */
export type { FieldError };

/**
 * Server-rendered pages (nunjucks, auto-escaping, govuk-frontend macros) on the shared layout.
 * Every page gets a strict Content-Security-Policy (no script; styles and images from this origin;
 * forms only to this origin and the idp) and `Cache-Control: no-store`, since pages carry a CSRF
 * token and the organisation's demands.
 */
export class Pages {
  private readonly views: nunjucks.Environment;
  private readonly csp: string;

  /** `citizenPortalUrl`: where a person paying their own bills goes (the "not a member" page links it). */
  constructor(
    idpOrigin: string,
    private readonly citizenPortalUrl: string,
  ) {
    this.views = createViewEnvironment([VIEWS_DIR]);
    this.csp = pagePolicy([idpOrigin]);
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
    const user = session?.user as MemberUser | undefined;
    sendPage(ctx, status, this.csp);
    ctx.body = this.views.render(`${view}.njk`, {
      ...data,
      lang: 'en',
      // Today in India: an open instalment due before it is overdue (_status.njk).
      today: todayInIndia(),
      citizenPortalUrl: this.citizenPortalUrl,
      dateHint: DATE_HINT,
      portalStylesheet: PORTAL_STYLESHEET,
      t: (key: string) => LAYOUT_TEXT[key] ?? key,
      pageTitle: data.title,
      ...formErrorsContext(errors),
      csrf: session?.csrf ?? '',
      user,
      provider: user?.provider,
      signedIn: Boolean(user),
    });
  }
}
