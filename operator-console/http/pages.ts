import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';
import type { FieldError } from '../../hub/portal/http/render.js';
import { StaffPages } from '../../hub/portal/staff/pages.js';
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
 * The console's pages (hub/portal/staff/pages.ts: strict Content-Security-Policy, `no-store`,
 * since pages carry a CSRF token and citizens' payments), with the operator's team, the idp's
 * account page and the sections' navigation: the header marks the section the path is in
 * (aria-current).
 */
export class Pages extends StaffPages {
  /** `accountUrl`: the idp's account page, where an operator turns on the authenticator app. */
  constructor(idpOrigin: string, accountUrl: string) {
    super({
      viewsDir: VIEWS_DIR,
      idpOrigin,
      layoutText: LAYOUT_TEXT,
      dateHint: DATE_HINT,
      pageContext: (ctx, user) => ({
        accountUrl,
        consoleStylesheet: CONSOLE_STYLESHEET,
        sections: SECTIONS,
        currentSection: SECTIONS.find((s) => ctx.path === s.path || ctx.path.startsWith(`${s.path}/`))?.id,
        team: (user as OperatorUser | undefined)?.team,
      }),
    });
  }
}

/** The one not-found page for a payment id that is not one (the hub's own 404 shows the same page through the error pages). */
export function paymentNotFound(ctx: Context, pages: Pages): Promise<void> {
  return pages.render(
    ctx,
    'error',
    { title: 'Page not found', text: 'No payment has this id.', kind: 'not_found' },
    404,
  );
}
