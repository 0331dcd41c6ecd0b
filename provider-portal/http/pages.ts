import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import type { FieldError } from '../../hub/portal/http/render.js';
import { StaffPages } from '../../hub/portal/staff/pages.js';
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
 * The provider portal's pages (hub/portal/staff/pages.ts: strict Content-Security-Policy,
 * `no-store`, since pages carry a CSRF token and the organisation's demands), with the member's
 * organisation, today in India and the citizen portal's address.
 */
export class Pages extends StaffPages {
  /** `citizenPortalUrl`: where a person paying their own bills goes (the "not a member" page links it). */
  constructor(idpOrigin: string, citizenPortalUrl: string) {
    super({
      viewsDir: VIEWS_DIR,
      idpOrigin,
      layoutText: LAYOUT_TEXT,
      dateHint: DATE_HINT,
      pageContext: (_ctx, user) => ({
        // Today in India: an open instalment due before it is overdue (_status.njk).
        today: todayInIndia(),
        citizenPortalUrl,
        portalStylesheet: PORTAL_STYLESHEET,
        provider: (user as MemberUser | undefined)?.provider,
      }),
    });
  }
}
