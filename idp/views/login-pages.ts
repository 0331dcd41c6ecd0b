import { durationText, type PageLanguage } from './i18n.js';
import { renderView } from './layout.js';

/** What every login page needs: where its forms post, their CSRF token, the client, the language. */
export interface FormContext {
  action: (step: string) => string;
  csrf: string;
  clientName: string;
  /** How long a one-time code works, in seconds. */
  codeTtlSeconds: number;
  lang: PageLanguage;
  /** Already in the page's language. */
  error?: string;
  notice?: string;
}

const STEPS = ['identify', 'verify', 'resend', 'change', 'totp', 'register', 'consent', 'abort'] as const;

function formData(form: FormContext) {
  return {
    // The header's link stays on this sign-in rather than leaving it.
    homeUrl: form.action('').replace(/\/$/, ''),
    csrf: form.csrf,
    clientName: form.clientName,
    error: form.error,
    notice: form.notice,
    actions: Object.fromEntries(STEPS.map((step) => [step, form.action(step)])),
  };
}

/** The first step: a mobile number or email address, kept as typed (`value`) when refused. */
export function identifyPage(form: FormContext, value = ''): string {
  return renderView('identify.njk', form.lang, {
    ...formData(form),
    title: form.lang.t('identify.title'),
    errorField: 'identifier',
    value,
  });
}

/** The one-time code step. `sentTo` is the masked phone or email; empty when the page must not name it. */
export function codePage(form: FormContext, sentTo: string): string {
  return renderView('code.njk', form.lang, {
    ...formData(form),
    title: form.lang.t('code.title'),
    errorField: 'code',
    sentTo,
    lifetime: durationText(form.lang.t, form.codeTtlSeconds),
  });
}

/** The authenticator app's code, after the one-time code, for accounts that turned it on. */
export function totpPage(form: FormContext): string {
  return renderView('totp.njk', form.lang, { ...formData(form), title: form.lang.t('totp.title'), errorField: 'totp' });
}

/**
 * An operator at an operator console without an authenticator app: how to turn it on at the
 * account page, then sign in again. Nothing on it continues the sign-in (provider/operator-app.ts).
 */
export function operatorAppPage(form: FormContext): string {
  return renderView('operator-app.njk', form.lang, { ...formData(form), title: form.lang.t('operatorApp.title') });
}

/** A first sign-in: the name for the new account. `verified` is the masked phone or email just proven. */
export function registerPage(form: FormContext, verified: string): string {
  return renderView('register.njk', form.lang, {
    ...formData(form),
    title: form.lang.t('register.title'),
    errorField: 'name',
    verified,
  });
}

/**
 * What each scope lets the client do, one sentence each; the hub API's scopes are the ones
 * idp/provider/resource-server.ts grants. Keys are literal so the catalog test finds them.
 */
const SCOPE_KEYS: Record<string, string> = {
  openid: 'consent.scope.openid',
  profile: 'consent.scope.profile',
  email: 'consent.scope.email',
  phone: 'consent.scope.phone',
  offline_access: 'consent.scope.offlineAccess',
  'bills:read': 'consent.scope.billsRead',
  'accounts:write': 'consent.scope.accountsWrite',
  'payments:read': 'consent.scope.paymentsRead',
  'payments:write': 'consent.scope.paymentsWrite',
  provider: 'consent.scope.provider',
  'demands:read': 'consent.scope.demandsRead',
  'demands:write': 'consent.scope.demandsWrite',
};

/** The consent sentences for `scopes`, in order, without repeats; a scope we do not know is named as it is. */
export function scopeSentences(lang: PageLanguage, scopes: string[]): string[] {
  return [...new Set(scopes)].map((scope) => {
    const key = SCOPE_KEYS[scope];
    return key ? lang.t(key) : lang.t('consent.scope.unknown', { scope });
  });
}

/** What a third-party client asks for, one sentence per scope (see scopeSentences), then Allow or Cancel. */
export function consentPage(form: FormContext, scopes: string[]): string {
  return renderView('consent.njk', form.lang, {
    ...formData(form),
    title: form.lang.t('consent.title'),
    scopes: scopeSentences(form.lang, scopes),
  });
}
