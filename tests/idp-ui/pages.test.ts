import { describe, expect, it } from 'vitest';
import type { Account } from '../../idp/accounts/account-store.js';
import { HUB_API_SCOPES } from '../../idp/provider/resource-server.js';
import {
  accountPage,
  type ConnectedService,
  connectedPage,
  enrolPage,
  revokePage,
} from '../../idp/views/account-pages.js';
import { type Locale, pageLanguage, SUPPORTED_LOCALES } from '../../idp/views/i18n.js';
import {
  codePage,
  consentPage,
  type FormContext,
  identifyPage,
  registerPage,
  scopeSentences,
  totpPage,
} from '../../idp/views/login-pages.js';
import { errorPage, logoutPage, signedOutPage } from '../../idp/views/provider-pages.js';
import { catalogSections } from './support/pages.js';

/** The scopes the provider can grant: its OpenID ones and the hub API's. */
const GRANTABLE_SCOPES = ['openid', 'profile', 'email', 'phone', 'offline_access', ...HUB_API_SCOPES];

const account = {
  _id: 'acc-1',
  name: 'Asha Devi',
  phone: '+919876543210',
  phoneVerified: true,
  email: 'asha@example.org',
  emailVerified: true,
  totp: null,
} as unknown as Account;

function form(locale: Locale, extra: Partial<FormContext> = {}): FormContext {
  return {
    action: (step) => `/interaction/UID/${step}`,
    csrf: 'CSRF',
    clientName: 'Partner <Portal> & Co',
    codeTtlSeconds: 300,
    lang: pageLanguage(locale, (other) => `/interaction/UID?lang=${other}`),
    ...extra,
  };
}

const partner: ConnectedService = {
  clientId: 'partner-portal',
  clientName: 'Partner <Portal> & Co',
  scopes: ['openid', 'profile', 'bills:read'],
  claims: ['email'],
  since: new Date('2026-11-05T08:00:00Z'),
};

/** Every page the idp shows, with a field error where the page has a form. */
function everyPage(locale: Locale): Record<string, string> {
  const lang = pageLanguage(locale);
  const { t } = lang;
  const withError = (extra: Partial<FormContext> = {}) => form(locale, { error: t('otp.wrong'), ...extra });
  const accountForm = { csrf: 'CSRF', lang: pageLanguage(locale, (other) => `/account?lang=${other}`) };
  return {
    identify: identifyPage(form(locale)),
    identifyError: identifyPage(form(locale, { error: t('identify.errors.phone') }), '12'),
    code: codePage(form(locale, { notice: t('code.resent') }), '+91******3210'),
    codeError: codePage(withError(), '+91******3210'),
    totp: totpPage(form(locale)),
    totpError: totpPage(withError()),
    register: registerPage(form(locale), 'a***@example.org'),
    registerError: registerPage(form(locale, { error: t('register.error') }), 'a***@example.org'),
    consent: consentPage(form(locale), GRANTABLE_SCOPES),
    account: accountPage(account, accountForm),
    accountWithApp: accountPage({ ...account, totp: { sealedSecret: 'x' } } as unknown as Account, {
      ...accountForm,
      error: t('account.wrongCode'),
    }),
    connected: connectedPage([partner], { ...accountForm, notice: t('connected.revoked', { client: 'Other' }) }),
    connectedNone: connectedPage([], accountForm),
    revoke: revokePage(partner, accountForm),
    enrol: enrolPage('data:image/png;base64,AAAA', 'JBSWY3DPEHPK3PXP', { ...accountForm, error: t('enrol.wrongCode') }),
    logout: logoutPage(lang, '<form id="op.logoutForm" method="post" action="/session/end/confirm"></form>', 'Hub'),
    signedOut: signedOutPage(lang, 'Hub'),
    error: errorPage(lang, t('errors.providerTitle'), t('errors.provider'), 'redirect_uri did not match'),
  };
}

describe('the idp pages in every language', () => {
  for (const locale of SUPPORTED_LOCALES) {
    it(`render in ${locale} with <html lang="${locale}">, one h1, and no catalog key or placeholder left in the text`, () => {
      const rawKey = new RegExp(`\\b(${catalogSections().join('|')})\\.[a-zA-Z]+`);
      for (const [name, html] of Object.entries(everyPage(locale))) {
        expect(html, name).toContain(`<html lang="${locale}"`);
        expect(html.match(/<h1[\s>]/g), name).toHaveLength(1);
        const text = html.replace(/<[^>]+>/g, ' ');
        expect(text, name).not.toMatch(rawKey);
        expect(text, name).not.toMatch(/\{\{|\}\}/);
        expect(html, name).toContain('href="/assets/app.css"');
        expect(html, name).not.toMatch(/<script|style=/);
      }
    });

    it(`link every ${locale} error summary to its field, which names the error in aria-describedby`, () => {
      const pages = everyPage(locale);
      for (const name of ['identifyError', 'codeError', 'totpError', 'registerError', 'accountWithApp', 'enrol']) {
        const html = pages[name] as string;
        const target = html.match(/govuk-error-summary__list">\s*<li>\s*<a href="#([\w-]+)"/)?.[1];
        expect(target, name).toBeTruthy();
        const field = html.match(new RegExp(`<input[^>]*id="${target}"[^>]*>`))?.[0] ?? '';
        expect(field, name).toMatch(new RegExp(`aria-describedby="[^"]*${target}-error`));
        expect(field, name).not.toContain('autofocus');
        expect(html, name).toMatch(/class="govuk-error-summary"[^>]*tabindex="-1" autofocus/);
        expect(html, name).toMatch(/<title>[^<]+: /);
      }
    });
  }

  it('offer the language switch as links to the same page in the other two languages, each in its own script', () => {
    const html = identifyPage(form('hi'));
    expect(html).toMatch(/aria-current="true" lang="hi">हिन्दी</);
    expect(html).toContain('href="/interaction/UID?lang=en" rel="alternate" lang="en" hreflang="en">English');
    expect(html).toContain('href="/interaction/UID?lang=bn" rel="alternate" lang="bn" hreflang="bn">বাংলা');
  });

  it('escape the client name and what the citizen typed', () => {
    const html = identifyPage(form('en', { error: 'x' }), '"><b>typed');
    expect(html).toContain('Partner &lt;Portal&gt; &amp; Co');
    expect(html).toContain('value="&quot;&gt;&lt;b&gt;typed"');
    expect(html).not.toContain('<Portal>');
  });
});

describe('the consent page', () => {
  it('has one distinct sentence for every scope the provider grants, in each language', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const lang = pageLanguage(locale);
      const sentences = scopeSentences(lang, GRANTABLE_SCOPES);
      expect(new Set(sentences).size, locale).toBe(GRANTABLE_SCOPES.length);
      for (const [i, scope] of GRANTABLE_SCOPES.entries()) {
        // A described scope never falls back to the "not described" sentence, which names it.
        expect(sentences[i], `${locale} ${scope}`).not.toContain(`“${scope}”`);
      }
    }
  });

  it('says in English what each hub API scope allows, and nothing more', () => {
    const lang = pageLanguage('en');
    expect(scopeSentences(lang, ['bills:read', 'accounts:write', 'payments:read', 'payments:write'])).toEqual([
      'look up a bill by consumer number, and see your saved accounts and what is due on them',
      'add and remove your saved biller accounts',
      'see your payments and receipts',
      'start payments for your bills',
    ]);
  });

  it('names a scope it has no sentence for, in every language', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const [sentence] = scopeSentences(pageLanguage(locale), ['meter:write']);
      expect(sentence, locale).toContain('“meter:write”');
    }
  });

  it('lists the sentences under the client name, and posts Allow and Cancel with the CSRF token', () => {
    const html = consentPage(form('bn'), ['openid', 'bills:read']);
    expect(html).toContain('Partner &lt;Portal&gt; &amp; Co এই অনুমতিগুলি চাইছে:');
    expect(html).toContain('<li>গ্রাহক নম্বর দিয়ে বিল দেখা, এবং আপনার সংরক্ষিত অ্যাকাউন্ট ও সেগুলির বকেয়া দেখা</li>');
    expect(html).toMatch(/action="\/interaction\/UID\/consent">\s*<input type="hidden" name="csrf" value="CSRF">/);
    expect(html).toMatch(
      /action="\/interaction\/UID\/abort" novalidate>\s*<input type="hidden" name="csrf" value="CSRF">/,
    );
  });
});

describe('the connected services page', () => {
  const lang = (locale: Locale) => ({
    csrf: 'CSRF',
    lang: pageLanguage(locale, (other) => `/account/connected?lang=${other}`),
  });

  it('names each service, says what it may do with the consent page’s sentences and since when', () => {
    const html = connectedPage([partner], lang('en'));
    expect(html).toContain('<h2 class="govuk-heading-m">Partner &lt;Portal&gt; &amp; Co</h2>');
    expect(html).toContain('Partner &lt;Portal&gt; &amp; Co can:');
    for (const sentence of [
      ...scopeSentences(pageLanguage('en'), partner.scopes),
      'see these details about you: email',
    ]) {
      expect(html).toContain(`<li>${sentence}</li>`);
    }
    expect(html).toContain('Allowed since 5 November 2026');
    expect(html).not.toContain('<Portal>');
  });

  it('speaks Hindi and Bengali, the date included', () => {
    const hi = connectedPage([partner], lang('hi'));
    expect(hi).toContain(`<li>${scopeSentences(pageLanguage('hi'), ['bills:read'])[0]}</li>`);
    expect(hi).toContain('5 नवंबर 2026 से अनुमति दी गई है');
    const bn = connectedPage([partner], lang('bn'));
    expect(bn).toContain('Partner &lt;Portal&gt; &amp; Co-এর অ্যাক্সেস প্রত্যাহার করুন');
    expect(bn).toContain('৫ নভেম্বর, ২০২৬ থেকে অনুমতি দেওয়া আছে');
    expect(bn).toContain('href="/account/connected?lang=en"');
  });

  it('links each Revoke button to the question page of the client it names, revoking nothing itself', () => {
    const html = connectedPage([partner, { ...partner, clientId: 'second & co', clientName: 'Second' }], lang('en'));
    const links = [...html.matchAll(/<a href="([^"]+)" role="button"[^>]*govuk-button--warning/g)].map(
      ([, href]) => href,
    );
    expect(links).toEqual([
      '/account/connected/revoke?client=partner-portal',
      '/account/connected/revoke?client=second%20%26%20co',
    ]);
    expect(html).toContain('Revoke access for Second');
    expect(html).not.toContain('<form');
  });

  it('asks before revoking: what the service may do, what revoking ends, then Revoke (with the CSRF token) or Cancel', () => {
    const html = revokePage(partner, lang('en'));
    expect(html).toContain('<h1 class="govuk-heading-l">Revoke access for Partner &lt;Portal&gt; &amp; Co?</h1>');
    expect(html).toContain(`<li>${scopeSentences(pageLanguage('en'), ['bills:read'])[0]}</li>`);
    expect(html).toContain('will no longer be able to use your account, also when you are not signed in.');
    const form = html.match(/<form method="post" action="\/account\/connected\/revoke"[^>]*>([\s\S]*?)<\/form>/)?.[1];
    expect(form).toContain('<input type="hidden" name="csrf" value="CSRF">');
    expect(form).toContain('<input type="hidden" name="client" value="partner-portal">');
    expect(form).toContain('<a class="govuk-link" href="/account/connected">Cancel</a>');
    expect(revokePage(partner, lang('bn'))).toContain('অ্যাক্সেস প্রত্যাহার করবেন?');
  });

  it('says when no other service can use the account, and that the service’s own pages are not listed', () => {
    const html = connectedPage([], lang('en'));
    expect(html).toContain('No other service can use your account.');
    expect(html).toContain('Citizen BillPay’s own pages are part of your account and are not listed here.');
    expect(html).not.toContain('<form');
  });

  it('is linked from the account page', () => {
    expect(accountPage(account, lang('en'))).toContain('<a class="govuk-link" href="/account/connected">');
  });
});
