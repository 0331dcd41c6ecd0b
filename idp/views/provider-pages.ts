import { html, SafeHtml } from './html.js';
import { page } from './layout.js';

/**
 * RP-initiated logout confirmation. `providerForm` is oidc-provider's own hidden form
 * (`op.logoutForm`, carrying its xsrf token); the buttons submit it.
 */
export function logoutPage(providerForm: string, clientName?: string): string {
  return page(
    'Sign out',
    html`<p>${clientName ? `${clientName} asked to sign you out. ` : ''}Signing out here signs you out of every
service that uses this login.</p>
${new SafeHtml(providerForm)}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out everywhere</button>
<button type="submit" form="op.logoutForm" class="link">Stay signed in</button>`,
  );
}

export function signedOutPage(clientName?: string): string {
  return page(
    'Signed out',
    html`<p>You are signed out${clientName ? ` of ${clientName} and every other service` : ''}.</p>`,
  );
}

export function errorPage(title: string, description: string): string {
  return page(title, html`<p>${description}</p>`);
}
