import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import QRCode from 'qrcode';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import type { Account, AccountStore } from '../accounts/account-store.js';
import type { ConsentStore } from '../consents/consent-store.js';
import { holdsOfflineAccess } from '../consents/offline-access.js';
import { revokeConsent } from '../consents/revoke-consent.js';
import { openSecret, sealSecret } from '../crypto/secret-box.js';
import { asciiCode } from '../interactions/code-digits.js';
import { renderPage } from '../interactions/context.js';
import type { CsrfTokens } from '../interactions/csrf.js';
import { rememberLocale, requestLocale, switchedTo } from '../interactions/locale.js';
import { isFirstParty } from '../provider/first-party-grant.js';
import { generateTotpSecret, totpUri, verifyTotp } from '../totp/totp.js';
import {
  type AccountForm,
  accountPage,
  type ConnectedService,
  connectedPage,
  enrolPage,
  revokePage,
} from '../views/account-pages.js';
import { pageLanguage } from '../views/i18n.js';
import { errorPage } from '../views/provider-pages.js';

export interface AccountPageDeps {
  provider: Provider;
  accounts: AccountStore;
  /** Remembered consents of third-party clients, listed and revoked at /account/connected. */
  consents: ConsentStore;
  redis: Redis;
  csrf: CsrfTokens;
  audit: Logger;
  dataKey: Buffer;
  issuer: string;
  /** The internal client the account page signs in through (response_type=none). */
  consoleClientId: string;
}

/** A secret shown for scanning stays pending, sealed, until the first code confirms it. */
const PENDING_TTL_SECONDS = 600;
const pendingKey = (sub: string) => `idp:totp-pending:${sub}`;

/** The connected services page, where third-party clients the citizen allowed are listed and revoked. */
const CONNECTED = '/account/connected';

/**
 * Where the account's sign-in may return to (its `state`): a path of these pages only, so the
 * value, which anyone can put in a link, never leads off the idp or to another of its routes.
 */
const RETURN_PAGE = /^\/account(\/[a-z][a-z0-9-]*)*$/;

/** The account page a sign-in `state` asks to return to, or undefined when it is none. */
export function returnPageOf(state: unknown): string | undefined {
  return typeof state === 'string' && RETURN_PAGE.test(state) && state !== '/account' ? state : undefined;
}

type Session = Awaited<ReturnType<Provider['Session']['get']>>;

interface Signed {
  account: Account;
  session: Session;
  form: AccountForm;
  /** What this browser's CSRF tokens are bound to: its idp session. */
  csrfBinding: string;
}

/** How the authenticator app names the account: its email or phone (what the citizen signs in with), else its name. */
const totpLabel = (account: Account) => account.email ?? account.phone ?? account.name;

/** The citizen's own pages at the idp: who they are, their authenticator app, their connected services. */
export function accountRouter(deps: AccountPageDeps): Router {
  const router = new Router({ prefix: '/account' });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: '4kb' });

  /** The signed-in citizen, or a redirect to sign in; `page` is where the language switch returns. */
  async function signedIn(ctx: Context, page = '/account'): Promise<Signed | undefined> {
    const session = await deps.provider.Session.get(ctx as never);
    const account = session.accountId ? await deps.accounts.findById(session.accountId) : null;
    // No interaction here: the language cookie shared with the portal (set by either switch), then Accept-Language.
    const locale = requestLocale(ctx);
    if (!account) {
      const login = new URL('/auth', deps.issuer);
      login.search = new URLSearchParams({
        client_id: deps.consoleClientId,
        response_type: 'none',
        scope: 'openid',
        redirect_uri: `${deps.issuer}/account`,
        ui_locales: locale,
        // The console's one redirect URI is /account; the page asked for comes back in `state`.
        ...(returnPageOf(page) ? { state: page } : {}),
      }).toString();
      ctx.redirect(login.toString());
      return undefined;
    }
    const csrfBinding = `account:${session.jti}`;
    const lang = pageLanguage(locale, (other) => `${page}${page.includes('?') ? '&' : '?'}lang=${other}`);
    return { account, session, csrfBinding, form: { csrf: deps.csrf.issue(csrfBinding), lang } };
  }

  /** Every form post must carry the token bound to this browser's session. */
  async function signedForm(ctx: Context, page?: string): Promise<(Signed & { code: string }) | undefined> {
    const signed = await signedIn(ctx, page);
    if (!signed) return undefined;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.verify(signed.csrfBinding, body.csrf)) {
      const { lang } = signed.form;
      renderPage(ctx, errorPage(lang, lang.t('errors.csrfTitle'), lang.t('errors.csrf')), 403);
      return undefined;
    }
    return { ...signed, code: asciiCode(body.code) };
  }

  router.get('/', async (ctx) => {
    // The language switch: remembered in the language cookie, then back to the page's own address.
    const switched = switchedTo(ctx);
    if (switched) {
      rememberLocale(ctx, switched);
      ctx.status = 303;
      return ctx.redirect('/account');
    }
    const signed = await signedIn(ctx);
    if (!signed) return;
    // Back from the sign-in that a deeper account page started: on to that page.
    const returnTo = returnPageOf(ctx.query.state);
    if (returnTo) return ctx.redirect(returnTo);
    const notice = ctx.query.done === 'enabled' ? signed.form.lang.t('account.enabled') : undefined;
    renderPage(ctx, accountPage(signed.account, { ...signed.form, notice }));
  });

  router.post('/totp/start', forms, async (ctx) => {
    const signed = await signedForm(ctx);
    if (!signed) return;
    if (signed.account.totp) return ctx.redirect('/account');
    const secret = generateTotpSecret();
    await deps.redis.set(pendingKey(signed.account._id), sealSecret(secret, deps.dataKey), 'EX', PENDING_TTL_SECONDS);
    const uri = totpUri({ secret, accountName: totpLabel(signed.account), issuer: new URL(deps.issuer).host });
    renderPage(ctx, enrolPage(await QRCode.toDataURL(uri), secret, signed.form));
  });

  router.post('/totp/confirm', forms, async (ctx) => {
    const signed = await signedForm(ctx);
    if (!signed) return;
    const sealed = await deps.redis.get(pendingKey(signed.account._id));
    if (!sealed)
      return renderPage(
        ctx,
        accountPage(signed.account, { ...signed.form, error: signed.form.lang.t('account.setupTimedOut') }),
        400,
      );
    const secret = openSecret(sealed, deps.dataKey);
    const step = verifyTotp(secret, signed.code);
    if (step === null) {
      // The same code as the first render: the same label, so a rescan gives the app the same entry.
      const uri = totpUri({ secret, accountName: totpLabel(signed.account), issuer: new URL(deps.issuer).host });
      const error = signed.form.lang.t('enrol.wrongCode');
      return renderPage(ctx, enrolPage(await QRCode.toDataURL(uri), secret, { ...signed.form, error }), 400);
    }
    if (await deps.accounts.enableTotp(signed.account._id, sealed)) {
      await deps.accounts.acceptTotpStep(signed.account._id, step);
      deps.audit.info({ event: 'totp_enrolled', accountId: signed.account._id });
    }
    await deps.redis.del(pendingKey(signed.account._id));
    ctx.status = 303;
    ctx.redirect('/account?done=enabled');
  });

  router.post('/totp/disable', forms, async (ctx) => {
    const signed = await signedForm(ctx);
    if (!signed) return;
    const { account } = signed;
    const step = account.totp ? verifyTotp(openSecret(account.totp.sealedSecret, deps.dataKey), signed.code) : null;
    if (step === null || !(await deps.accounts.acceptTotpStep(account._id, step))) {
      deps.audit.warn({ event: 'totp_failed', accountId: account._id, during: 'disable' });
      const error = signed.form.lang.t('account.wrongCode');
      return renderPage(ctx, accountPage(account, { ...signed.form, error }), 400);
    }
    await deps.accounts.disableTotp(account._id);
    deps.audit.info({ event: 'totp_disabled', accountId: account._id });
    renderPage(
      ctx,
      accountPage({ ...account, totp: null }, { ...signed.form, notice: signed.form.lang.t('account.disabled') }),
    );
  });

  /** The citizen's remembered consents, each with the client's name and what it may do. */
  async function connectedServices(accountId: string): Promise<ConnectedService[]> {
    const services: ConnectedService[] = [];
    for (const consent of await deps.consents.list(accountId)) {
      const client = await deps.provider.Client.find(consent.clientId);
      // First-party clients never ask for consent, so they have none to revoke.
      if (isFirstParty(client as unknown as Record<string, unknown> | undefined)) continue;
      // Asked each time, so not in the record, but a live offline Grant keeps it after sign-out.
      const offline = (await holdsOfflineAccess(deps.provider, consent)) ? ['offline_access'] : [];
      services.push({
        clientId: consent.clientId,
        clientName: client?.clientName ?? consent.clientId,
        scopes: [...consent.scopes, ...offline, ...consent.resourceScopes.map(({ scope }) => scope)],
        claims: consent.claims,
        since: consent.grantedAt,
      });
    }
    return services;
  }

  router.get('/connected', async (ctx) => {
    const switched = switchedTo(ctx);
    if (switched) {
      rememberLocale(ctx, switched);
      ctx.status = 303;
      return ctx.redirect(CONNECTED);
    }
    const signed = await signedIn(ctx, CONNECTED);
    if (!signed) return;
    const services = await connectedServices(signed.account._id);
    // After a revoke (post/redirect/get): say which service lost access, if it really did.
    const revokedId = typeof ctx.query.revoked === 'string' ? ctx.query.revoked : undefined;
    const revoked =
      revokedId && !services.some((service) => service.clientId === revokedId)
        ? await deps.provider.Client.find(revokedId)
        : undefined;
    const notice = revoked
      ? signed.form.lang.t('connected.revoked', { client: revoked.clientName ?? revoked.clientId })
      : undefined;
    renderPage(ctx, connectedPage(services, { ...signed.form, notice }));
  });

  /** The connected page when nothing of `clientId` is connected: 404, saying so. */
  async function notConnected(ctx: Context, signed: Signed): Promise<void> {
    const error = signed.form.lang.t('connected.notConnected');
    const services = await connectedServices(signed.account._id);
    renderPage(ctx, connectedPage(services, { ...signed.form, error }), 404);
  }

  /** The question before a revoke (its form posts to /connected/revoke); 404 for a service not listed. */
  router.get('/connected/revoke', async (ctx) => {
    const clientId = typeof ctx.query.client === 'string' ? ctx.query.client : '';
    const here = `${CONNECTED}/revoke?${new URLSearchParams({ client: clientId })}`;
    const switched = switchedTo(ctx);
    if (switched) {
      rememberLocale(ctx, switched);
      ctx.status = 303;
      return ctx.redirect(here);
    }
    const signed = await signedIn(ctx, here);
    if (!signed) return;
    const service = (await connectedServices(signed.account._id)).find((one) => one.clientId === clientId);
    if (!service) return notConnected(ctx, signed);
    renderPage(ctx, revokePage(service, signed.form));
  });

  /**
   * Revokes a connected service: its remembered consent, every Grant made under it (this
   * session's included) and every token under those (revoke-consent.ts).
   */
  router.post('/connected/revoke', forms, async (ctx) => {
    const signed = await signedForm(ctx, CONNECTED);
    if (!signed) return;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const clientId = typeof body.client === 'string' ? body.client : '';
    const client = clientId ? await deps.provider.Client.find(clientId) : undefined;
    ctx.status = 303;
    if (!clientId || isFirstParty(client as unknown as Record<string, unknown> | undefined)) {
      return ctx.redirect(CONNECTED);
    }
    const accountId = signed.account._id;
    const sessionGrant = signed.session.grantIdFor(clientId);
    const result = await revokeConsent(
      deps.provider,
      deps.consents,
      accountId,
      clientId,
      sessionGrant ? [sessionGrant] : [],
    );
    // Nothing of that client's was here (an unknown id, or revoked already): nothing to record.
    if (!result.forgotten && result.grants === 0) return notConnected(ctx, signed);
    deps.audit.info({ event: 'consent_revoked', accountId, client: clientId, ...result });
    ctx.redirect(`${CONNECTED}?${new URLSearchParams({ revoked: clientId })}`);
  });

  return router;
}
