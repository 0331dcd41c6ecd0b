import type { Context } from 'koa';
import { isLocale, negotiateLocale } from '../../infra/web/locale.js';
import { type Locale, type PageLanguage, pageLanguage } from '../views/i18n.js';

/**
 * The language cookie the portal sets on its own origin (en | hi | bn; the portal names it
 * `portal_lang`, hub/portal/http/locale.ts), read and written here under the same name. Browsers
 * share cookies between ports of one host, so on localhost a choice made on either side follows
 * the citizen to the other; in production the idp has its own host and sees only the cookie it
 * set itself (the portal passes its choice as `ui_locales`, which ranks higher anyway).
 */
export const LANG_COOKIE = 'portal_lang';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The first supported language of an OIDC `ui_locales` value: BCP 47 tags separated by spaces,
 * most preferred first (OpenID Connect Core 1.0 §3.1.2.1); "hi-IN" counts as "hi".
 */
export function fromUiLocales(uiLocales: unknown): Locale | undefined {
  if (typeof uiLocales !== 'string') return undefined;
  for (const tag of uiLocales.split(/\s+/)) {
    const language = tag.split('-')[0]?.toLowerCase();
    if (isLocale(language)) return language;
  }
  return undefined;
}

/** A `?lang=` the language switch sent, when it names a supported language. */
export function switchedTo(ctx: Context): Locale | undefined {
  const lang = ctx.query.lang;
  return isLocale(lang) ? lang : undefined;
}

export interface LocaleHints {
  /** Chosen with the language switch during this interaction. */
  chosen?: Locale;
  /** The client's `ui_locales` authorization (or logout) parameter. */
  uiLocales?: unknown;
}

/**
 * A page's language: a choice made on the idp during this sign-in, else the client's
 * `ui_locales`, else the language cookie (LANG_COOKIE), else Accept-Language, else English.
 */
export function requestLocale(ctx: Context, hints: LocaleHints = {}): Locale {
  const cookie = ctx.cookies.get(LANG_COOKIE, { signed: false });
  const choice = hints.chosen ?? fromUiLocales(hints.uiLocales) ?? (isLocale(cookie) ? cookie : undefined);
  return negotiateLocale(choice, ctx.get('accept-language'));
}

/** Remembers a switch in the language cookie, for the idp's later pages (and the portal on one host). */
export function rememberLocale(ctx: Context, locale: Locale): void {
  ctx.cookies.set(LANG_COOKIE, locale, {
    signed: false,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: ONE_YEAR_MS,
    secure: ctx.secure,
    overwrite: true,
  });
}

/**
 * The language of the provider's own pages (logout, errors): the logout request's `ui_locales`
 * (RP-Initiated Logout 1.0 §2), else as requestLocale. No switch: those pages answer one request.
 */
export function providerPageLanguage(ctx: Context & { oidc?: { params?: Record<string, unknown> } }): PageLanguage {
  return pageLanguage(requestLocale(ctx, { uiLocales: ctx.oidc?.params?.ui_locales }));
}
