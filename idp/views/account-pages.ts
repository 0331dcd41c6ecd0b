import type { Account } from '../accounts/account-store.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, messageBox, page } from './layout.js';

export interface AccountForm {
  csrf: string;
  error?: string;
  notice?: string;
}

function codeField(label: string): SafeHtml {
  return html`<label for="code">${label}</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required>`;
}

export function accountPage(account: Account, form: AccountForm): string {
  const totp = account.totp
    ? html`<p>An authenticator app is set up. You are asked for its code after your one-time code.</p>
<form method="post" action="/account/totp/disable">${csrfField(form.csrf)}
${codeField('To turn it off, enter a code from your authenticator app')}
<button type="submit">Turn off authenticator app</button></form>`
    : html`<p>Add an authenticator app (such as Google Authenticator or FreeOTP) for a second step when you sign in.</p>
<form method="post" action="/account/totp/start">${csrfField(form.csrf)}<button type="submit">Set up authenticator app</button></form>`;
  return page(
    'Your account',
    html`${messageBox(form.error, form.notice)}
<dl>
<dt>Name</dt><dd>${account.name}</dd>
${account.phone ? html`<dt>Mobile</dt><dd>${account.phone}${account.phoneVerified ? ' (verified)' : ''}</dd>` : ''}
${account.email ? html`<dt>Email</dt><dd>${account.email}${account.emailVerified ? ' (verified)' : ''}</dd>` : ''}
</dl>
<h2>Authenticator app</h2>
${totp}
<p><a href="/session/end">Sign out</a></p>`,
  );
}

export function enrolPage(qrDataUrl: string, secret: string, form: AccountForm): string {
  return page(
    'Set up your authenticator app',
    html`${messageBox(form.error, form.notice)}
<ol>
<li>Open your authenticator app and scan this code.<br><img class="qr" src="${qrDataUrl}" alt="QR code for your authenticator app"></li>
<li>If you cannot scan it, enter this key instead: <code>${secret}</code></li>
<li>Enter the 6-digit code the app shows.</li>
</ol>
<form method="post" action="/account/totp/confirm">${csrfField(form.csrf)}
${codeField('Code from the app')}
<button type="submit">Turn on</button></form>
<p><a href="/account">Cancel</a></p>`,
  );
}
