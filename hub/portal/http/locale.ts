import type { TFunction } from 'i18next';
import type { Context, Middleware } from 'koa';
import { isLocale, type Locale, negotiateLocale } from '../../../infra/web/locale.js';

/** The cookie that keeps the citizen's language choice in this browser. */
export const LANGUAGE_COOKIE = 'portal_lang';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

declare module 'koa' {
  interface DefaultState {
    locale?: Locale;
    t?: TFunction;
  }
}

/**
 * The page language: the citizen's choice (the language cookie, set by the switch, by the
 * settings page and at sign-in from the saved setting), then the browser's Accept-Language,
 * then English. Sets `ctx.state.locale` and `ctx.state.t`.
 */
export function pageLanguage(translator: (locale: Locale) => TFunction): Middleware {
  return async (ctx, next) => {
    const locale = negotiateLocale(ctx.cookies.get(LANGUAGE_COOKIE), ctx.get('accept-language'));
    ctx.state.locale = locale;
    ctx.state.t = translator(locale);
    ctx.vary('Accept-Language');
    await next();
  };
}

/** Remembers a language choice in this browser (and uses it for the rest of this request). */
export function chooseLanguage(ctx: Context, locale: string, secure: boolean, translator: (l: Locale) => TFunction) {
  if (!isLocale(locale)) return;
  ctx.cookies.set(LANGUAGE_COOKIE, locale, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: ONE_YEAR_MS,
    overwrite: true,
  });
  ctx.state.locale = locale;
  ctx.state.t = translator(locale);
}

/** This request's translator (set by pageLanguage). */
export function translatorOf(ctx: Context): TFunction {
  if (!ctx.state.t) throw new Error('pageLanguage did not run');
  return ctx.state.t;
}

/** This request's page language (set by pageLanguage). */
export const localeOf = (ctx: Context): Locale => ctx.state.locale ?? 'en';
