import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';
import type nunjucks from 'nunjucks';
import { type FieldError, formErrorsContext, pagePolicy, sendPage } from '../../hub/portal/http/render.js';
import { createViewEnvironment } from '../../infra/web/views.js';
import type { OperatorUser } from '../oidc/operator-relying-party.js';
import { CONSOLE_STYLESHEET } from './console-assets.js';

/** The console's templates. */
export const VIEWS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'views');

/** The words the shared layout (infra/web/views/web-layout.njk) asks its translator for. English only (README.md). */
const LAYOUT_TEXT: Record<string, string> = {
  'layout.serviceName': 'Citizen BillPay operations',
  'layout.skipLink': 'Skip to main content',
  'layout.footer': 'For the Citizen BillPay operations team. Every action is recorded with who and why.',
  'layout.errorPrefix': 'Error',
};

/**
 * The console's sections, in the header's order (layout.njk): each area adds its pages under its
 * path (operator-console/routes/index.ts).
 */
export const SECTIONS = [
  { path: '/payments', text: 'Payments', id: 'payments' },
  { path: '/queues', text: 'Queues', id: 'queues' },
  { path: '/complaints', text: 'Complaints', id: 'complaints' },
  { path: '/risk', text: 'Risk', id: 'risk' },
  { path: '/metrics', text: 'Metrics', id: 'metrics' },
  { path: '/audit', text: 'Audit', id: 'audit' },
] as const;

/** The hint of every date field (text fields, never type=date's mm/dd/yyyy). */
export const DATE_HINT = 'For example, 2027-01-31 (year-month-day, India time)';

export type { FieldError };

/**
 * Server-rendered pages (nunjucks, auto-escaping, govuk-frontend macros) on the shared layout.
 * Every page gets a strict Content-Security-Policy (no script; styles and images from this origin;
 * forms only to this origin and the idp) and `Cache-Control: no-store`, since pages carry a CSRF
 * token and citizens' payments.
 */
export class Pages {
  private readonly views: nunjucks.Environment;
  private readonly csp: string;

  /** `accountUrl`: the idp's account page, where an operator turns on the authenticator app. */
  constructor(
    idpOrigin: string,
    private readonly accountUrl: string,
  ) {
    this.views = createViewEnvironment([VIEWS_DIR]);
    this.csp = pagePolicy([idpOrigin]);
  }

  /**
   * Renders `view` with the page `title`, form `errors` (with the summary) and `status`. The
   * header marks the section the path is in (aria-current).
   */
  async render(
    ctx: Context,
    view: string,
    data: Record<string, unknown> & { title: string; errors?: FieldError[] },
    status = 200,
  ): Promise<void> {
    const session = await ctx.state.session?.ensure();
    const errors = data.errors ?? [];
    const user = session?.user as OperatorUser | undefined;
    const section = SECTIONS.find((s) => ctx.path === s.path || ctx.path.startsWith(`${s.path}/`))?.id;
    sendPage(ctx, status, this.csp);
    ctx.body = this.views.render(`${view}.njk`, {
      ...data,
      lang: 'en',
      accountUrl: this.accountUrl,
      dateHint: DATE_HINT,
      consoleStylesheet: CONSOLE_STYLESHEET,
      sections: SECTIONS,
      currentSection: section,
      t: (key: string) => LAYOUT_TEXT[key] ?? key,
      pageTitle: data.title,
      ...formErrorsContext(errors),
      csrf: session?.csrf ?? '',
      user,
      team: user?.team,
      signedIn: Boolean(user),
    });
  }
}
