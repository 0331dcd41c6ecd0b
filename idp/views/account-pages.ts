import { formatDateIST } from '../../infra/web/format.js';
import type { Account } from '../accounts/account-store.js';
import type { PageLanguage } from './i18n.js';
import { renderView } from './layout.js';
import { scopeSentences } from './login-pages.js';

/** What the account pages need: the session-bound CSRF token, the language, a message to show. */
export interface AccountForm {
  csrf: string;
  lang: PageLanguage;
  /** Already in the page's language. */
  error?: string;
  notice?: string;
}

function contactRows(account: Account, { t }: PageLanguage) {
  const verified = (yes: boolean) => (yes ? ` ${t('account.verified')}` : '');
  return [
    { key: { text: t('account.name') }, value: { text: account.name } },
    ...(account.phone
      ? [{ key: { text: t('account.mobile') }, value: { text: account.phone + verified(account.phoneVerified) } }]
      : []),
    ...(account.email
      ? [{ key: { text: t('account.email') }, value: { text: account.email + verified(account.emailVerified) } }]
      : []),
  ];
}

/** The citizen's own page: who they are, and turning the authenticator app on or off. */
export function accountPage(account: Account, form: AccountForm): string {
  return renderView('account.njk', form.lang, {
    title: form.lang.t('account.title'),
    csrf: form.csrf,
    error: form.error,
    // Only the turn-off form has a code field to link the error to.
    errorField: account.totp ? 'code' : undefined,
    notice: form.notice,
    account: { totp: Boolean(account.totp) },
    rows: contactRows(account, form.lang),
  });
}

/** The QR code (a data: URL) and the same secret as text, then the first code to confirm it. */
export function enrolPage(qrDataUrl: string, secret: string, form: AccountForm): string {
  return renderView('enrol.njk', form.lang, {
    title: form.lang.t('enrol.title'),
    csrf: form.csrf,
    error: form.error,
    errorField: 'code',
    notice: form.notice,
    qrDataUrl,
    secret,
  });
}

/** A third-party client the citizen allowed to use the account, as the connected services page shows it. */
export interface ConnectedService {
  clientId: string;
  /** The client's registered name, or its id when it has none (or no longer exists). */
  clientName: string;
  /** OpenID and resource scopes allowed, each shown as the consent page's sentence. */
  scopes: string[];
  /** Claims allowed by name (the `claims` parameter), shown as they are named. */
  claims: string[];
  /** When the citizen first allowed it. */
  since: Date;
}

/** The connected services page: each service, what it may do and since when, and its Revoke button (to revokePage). */
export function connectedPage(services: ConnectedService[], form: AccountForm): string {
  const { lang } = form;
  return renderView('connected.njk', lang, {
    title: lang.t('connected.title'),
    csrf: form.csrf,
    error: form.error,
    notice: form.notice,
    services: services.map((service) => serviceView(service, lang)),
  });
}

/** One service as the templates show it: its name, what it may do in sentences, and since when. */
function serviceView(service: ConnectedService, lang: PageLanguage) {
  return {
    clientId: service.clientId,
    name: service.clientName,
    sentences: [
      ...scopeSentences(lang, service.scopes),
      ...(service.claims.length ? [lang.t('connected.claims', { claims: service.claims.join(', ') })] : []),
    ],
    since: formatDateIST(service.since, lang.locale),
  };
}

/** The question before revoking one service: what it may do now, what revoking ends, Revoke or Cancel. */
export function revokePage(service: ConnectedService, form: AccountForm): string {
  const { lang } = form;
  return renderView('revoke.njk', lang, {
    title: lang.t('connected.revokeTitle', { client: service.clientName }),
    csrf: form.csrf,
    error: form.error,
    service: serviceView(service, lang),
  });
}
