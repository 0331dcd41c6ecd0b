import type { PageLanguage } from './i18n.js';
import { renderView } from './layout.js';

/**
 * RP-initiated logout confirmation. `providerForm` is oidc-provider's own hidden form
 * (`op.logoutForm`, carrying its xsrf token); the buttons submit it.
 */
export function logoutPage(lang: PageLanguage, providerForm: string, clientName?: string): string {
  return renderView('logout.njk', lang, { title: lang.t('logout.title'), providerForm, clientName });
}

export function signedOutPage(lang: PageLanguage, clientName?: string): string {
  const description = clientName ? lang.t('signedOut.fromClient', { client: clientName }) : lang.t('signedOut.plain');
  return renderView('message.njk', lang, { title: lang.t('signedOut.title'), description });
}

/**
 * A page that only explains. `detail` is untranslated text from elsewhere (oidc-provider's
 * error description), shown marked as English.
 */
export function errorPage(lang: PageLanguage, title: string, description: string, detail?: string): string {
  return renderView('message.njk', lang, { title, description, detail });
}
