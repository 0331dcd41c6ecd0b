import { describe, expect, it } from 'vitest';
import { pageLanguage } from '../../idp/views/i18n.js';
import { registerPage } from '../../idp/views/login-pages.js';

/** The register page of one sign-in, whose language links go to `base?lang=<locale>`. */
function page(locale: 'en' | 'hi', base: string, error?: string): string {
  const lang = pageLanguage(locale, (other) => `${base}?lang=${other}`);
  return registerPage(
    {
      action: (step) => `${base}/${step}`,
      csrf: 'token',
      clientName: 'Citizen portal',
      codeTtlSeconds: 300,
      lang,
      error,
    },
    '+91 ******1234',
  );
}

/** The header's language navigation of a page. */
function navigation(html: string): string {
  const match = html.match(/<nav class="govuk-language-navigation"[\s\S]*?<\/nav>/);
  if (!match) throw new Error('no language navigation on the page');
  return match[0];
}

describe('the login pages’ language navigation (kept per language, links filled per page)', () => {
  it('links each page to its own sign-in, never to the one rendered before it', () => {
    const first = navigation(page('en', '/interaction/first'));
    const second = navigation(page('en', '/interaction/second'));
    expect(first).toContain('href="/interaction/first?lang=hi"');
    expect(first).toContain('href="/interaction/first?lang=bn"');
    expect(second).toContain('href="/interaction/second?lang=hi"');
    expect(second).not.toContain('/interaction/first');
  });

  it('escapes the links as the component does', () => {
    const nav = navigation(page('en', '/interaction/a&b"c\\d\'e<f>'));
    // As govuk-frontend's template escapes it (a backslash stays as it is).
    expect(nav).toContain('href="/interaction/a&amp;b&quot;c\\d&#39;e&lt;f&gt;?lang=hi"');
    expect(nav).not.toContain('a&b"c');
  });

  it('names the navigation in the page’s language and does not link the current one', () => {
    const nav = navigation(page('hi', '/interaction/x'));
    expect(nav).toContain('aria-label="भाषा चुनें"');
    expect(nav).not.toContain('?lang=hi');
    expect(nav).toContain('href="/interaction/x?lang=en"');
    expect(nav).not.toContain('\ue000');
  });

  it('keeps the error summary on a refused form', () => {
    const html = page('en', '/interaction/x', 'Enter your name');
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('Enter your name');
    expect(page('en', '/interaction/x')).not.toContain('govuk-error-summary');
  });
});
