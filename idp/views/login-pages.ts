import { html, type SafeHtml } from './html.js';
import { csrfField, messageBox, page } from './layout.js';

export interface FormContext {
  action: (step: string) => string;
  csrf: string;
  clientName: string;
  /** How long a one-time code works, in words ("5 minutes"). */
  codeLifetime: string;
  error?: string;
  notice?: string;
}

/** The small forms under each step: try another identifier, or give up and go back. */
function secondaryActions(form: FormContext, withChange: boolean): SafeHtml {
  return html`<div>
${withChange ? html`<form class="inline" method="post" action="${form.action('change')}">${csrfField(form.csrf)}<button class="link" type="submit">Use a different number or email</button></form>` : ''}
<form class="inline" method="post" action="${form.action('abort')}">${csrfField(form.csrf)}<button class="link" type="submit">Cancel and go back to ${form.clientName}</button></form>
</div>`;
}

export function identifyPage(form: FormContext, value = ''): string {
  return page(
    'Sign in',
    html`<p>Sign in to continue to <strong>${form.clientName}</strong>. We will send you a 6-digit code.</p>
${messageBox(form.error, form.notice)}
<form method="post" action="${form.action('identify')}" novalidate>
${csrfField(form.csrf)}
<label for="identifier">Mobile number or email address</label>
<input id="identifier" name="identifier" type="text" autocomplete="username" value="${value}" required
  ${form.error ? html`aria-invalid="true" aria-describedby="form-error"` : ''} autofocus>
<button type="submit">Send code</button>
</form>
${secondaryActions(form, false)}`,
  );
}

export function codePage(form: FormContext, sentTo: string): string {
  return page(
    'Enter your code',
    html`<p>We sent a 6-digit code to <strong>${sentTo}</strong>. It works for ${form.codeLifetime}.</p>
${messageBox(form.error, form.notice)}
<form method="post" action="${form.action('verify')}" novalidate>
${csrfField(form.csrf)}
<label for="code">6-digit code</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6"
  autocomplete="one-time-code" required ${form.error ? html`aria-invalid="true" aria-describedby="form-error"` : ''} autofocus>
<button type="submit">Continue</button>
</form>
<form class="inline" method="post" action="${form.action('resend')}">${csrfField(form.csrf)}<button class="link" type="submit">Send a new code</button></form>
${secondaryActions(form, true)}`,
  );
}

export function totpPage(form: FormContext): string {
  return page(
    'Enter your authenticator code',
    html`<p>Open your authenticator app and enter the 6-digit code it shows for this account.</p>
${messageBox(form.error, form.notice)}
<form method="post" action="${form.action('totp')}" novalidate>
${csrfField(form.csrf)}
<label for="totp">Authenticator code</label>
<input id="totp" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6"
  autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button>
</form>
${secondaryActions(form, true)}`,
  );
}

export function registerPage(form: FormContext, verified: string): string {
  return page(
    'Create your account',
    html`<p><strong>${verified}</strong> is verified. Tell us your name to finish creating your account.</p>
${messageBox(form.error, form.notice)}
<form method="post" action="${form.action('register')}" novalidate>
${csrfField(form.csrf)}
<label for="name">Full name</label>
<input id="name" name="name" type="text" autocomplete="name" maxlength="100" required autofocus>
<button type="submit">Create account</button>
</form>
${secondaryActions(form, false)}`,
  );
}

const SCOPE_TEXT: Record<string, string> = {
  profile: 'your name',
  email: 'your email address',
  phone: 'your mobile number',
  offline_access: 'stay signed in to it when you are not using it',
  'bills:read': 'see your saved bills',
  'payments:read': 'see your payments',
  'payments:write': 'make payments for you',
};

export function consentPage(form: FormContext, scopes: string[]): string {
  const described = scopes.filter((scope) => SCOPE_TEXT[scope]);
  return page(
    'Allow access',
    html`<p><strong>${form.clientName}</strong> wants to:</p>
<ul>${described.map((scope) => html`<li>${SCOPE_TEXT[scope]}</li>`)}<li>know who you are when you sign in</li></ul>
<form method="post" action="${form.action('consent')}">
${csrfField(form.csrf)}
<button type="submit">Allow</button>
</form>
${secondaryActions(form, false)}`,
  );
}
