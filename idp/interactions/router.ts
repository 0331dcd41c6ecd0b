import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import { ACR_CODE, acrToRecord, STEP_UP_REASONS } from '../provider/acr.js';
import { inStorageScope, StorageScope } from '../provider/redis-adapter.js';
import { pageLanguage } from '../views/i18n.js';
import { errorPage } from '../views/provider-pages.js';
import { abort, grantConsent } from './consent-step.js';
import { type Interaction, type InteractionDeps, renderPage } from './context.js';
import { finishInteraction, refuseOperatorWithoutApp } from './finish.js';
import { rememberLocale, requestLocale, switchedTo } from './locale.js';
import type { LoginState } from './login-state.js';
import { changeIdentifier, identify, resendCode, verifyCode } from './login-steps.js';
import { register } from './register-step.js';
import { verifyTotpStep } from './second-factor-step.js';
import { showInteraction } from './show.js';

type Step = (ctx: Context, deps: InteractionDeps, it: Interaction, body: Record<string, unknown>) => Promise<void>;

const STEPS: Record<string, Step> = {
  identify,
  verify: verifyCode,
  resend: resendCode,
  change: changeIdentifier,
  totp: verifyTotpStep,
  register,
  consent: grantConsent,
  abort,
};

/** A page that only explains, in the language of the request (no interaction to ask). */
function explain(ctx: Context, status: number, titleKey: string, descriptionKey: string): void {
  const lang = pageLanguage(requestLocale(ctx));
  renderPage(ctx, errorPage(lang, lang.t(titleKey), lang.t(descriptionKey)), status);
}

/**
 * Where a new interaction starts. A signed-in citizen asked for a higher authentication level
 * (acr) and nothing else goes straight to the authenticator app (step-up). Every other login
 * prompt, `prompt=login` and `max_age` among them, starts from the phone or email and a fresh code.
 */
async function startingState(deps: InteractionDeps, details: Interaction['details']): Promise<LoginState> {
  const { prompt, session } = details;
  const stepUp = prompt.name === 'login' && prompt.reasons.every((reason) => STEP_UP_REASONS.has(reason));
  if (!stepUp || !session?.accountId) return { stage: 'identify' };
  const account = await deps.accounts.findById(session.accountId);
  if (!account?.totp) return { stage: 'identify' };
  return { stage: 'totp', accountId: account._id, totpFailures: 0, priorAmr: session.amr ?? [] };
}

/**
 * True when a signed-in citizen without an authenticator app is asked, for nothing but an
 * essential acr, to reach a level only the app gives: no sign-in can meet it, so the client
 * gets `unmet_authentication_requirements` at once (OpenID Connect Core §5.5.1.1) instead of
 * the citizen entering a number and a fresh code first.
 */
async function essentialAcrUnreachable(deps: InteractionDeps, details: Interaction['details']): Promise<boolean> {
  const { prompt, session } = details;
  const essential = prompt.reasons.some((reason) => reason.startsWith('essential_acr'));
  const onlyAcr = prompt.name === 'login' && prompt.reasons.every((reason) => STEP_UP_REASONS.has(reason));
  if (!essential || !onlyAcr || !session?.accountId) return false;
  // A code-only sign-in would satisfy none of the essential values.
  if (acrToRecord(ACR_CODE, details.params.claims) !== undefined) return false;
  const account = await deps.accounts.findById(session.accountId);
  return account !== null && !account.totp;
}

/** Loads the provider's interaction (bound to this browser's cookie) and our state for it. */
async function loadInteraction(ctx: Context, deps: InteractionDeps): Promise<Interaction | undefined> {
  // One read for the provider's Interaction, our state and the chosen language (login-state.ts).
  const stored = await deps.states.load(String(ctx.params.uid));
  let details: Interaction['details'];
  try {
    details = await deps.provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    explain(ctx, 400, 'errors.expiredTitle', 'errors.expired');
    return undefined;
  }
  if (details.uid !== ctx.params.uid) {
    explain(ctx, 400, 'errors.expiredTitle', 'errors.outdated');
    return undefined;
  }
  const client = await deps.provider.Client.find(String(details.params.client_id));
  const clientName = client?.clientName ?? String(details.params.client_id);
  const uid = details.uid;
  const locale = requestLocale(ctx, { chosen: stored.locale, uiLocales: details.params.ui_locales });
  return {
    uid,
    details,
    clientName,
    started: stored.state !== undefined,
    state: stored.state ?? (await startingState(deps, details)),
    form: {
      action: (step) => `/interaction/${uid}/${step}`,
      csrf: deps.csrf.issue(`interaction:${uid}`),
      clientName,
      codeTtlSeconds: deps.codeTtlSeconds,
      lang: pageLanguage(locale, (other) => `/interaction/${uid}?lang=${other}`),
    },
  };
}

/** The login, registration and consent pages: GET shows the current step, POST acts on one. */
export function interactionRouter(deps: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction' });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  // Each page reads a record once: the provider's reads of the Interaction (and its session)
  // come from the read made with our state (redis-adapter.ts StorageScope).
  router.use((_ctx, next) => inStorageScope(new StorageScope(false), next));

  router.get('/:uid', async (ctx) => {
    const it = await loadInteraction(ctx, deps);
    if (!it) return;
    // The language switch: remembered for this sign-in (above the client's ui_locales) and in
    // the language cookie, then back to the page's own address. It changes nothing else.
    const switched = switchedTo(ctx);
    if (switched) {
      await deps.states.chooseLocale(it.uid, switched);
      rememberLocale(ctx, switched);
      ctx.status = 303;
      return ctx.redirect(`/interaction/${it.uid}`);
    }
    if (!it.started && (await essentialAcrUnreachable(deps, it.details))) {
      deps.audit.warn({ event: 'login_refused', reason: 'acr_unmet', client: it.details.params.client_id });
      return finishInteraction(ctx, deps, it, {
        error: 'unmet_authentication_requirements',
        error_description: 'The requested authentication level could not be reached.',
      });
    }
    // A signed-in operator without the app, sent back to sign in at an operator console: no code
    // would let them in, so they are told how to enrol at once rather than after one.
    const accountId = it.details.session?.accountId;
    if (it.details.prompt.reasons.includes('operator_app') && it.state.stage === 'identify' && accountId) {
      const account = await deps.accounts.findById(accountId);
      if (account && !account.totp) return refuseOperatorWithoutApp(ctx, deps, it, accountId);
    }
    showInteraction(ctx, it);
  });

  router.post('/:uid/:step', forms, async (ctx) => {
    const step = STEPS[ctx.params.step ?? ''];
    if (!step) {
      explain(ctx, 404, 'errors.notFoundTitle', 'errors.noSuchStep');
      return;
    }
    const it = await loadInteraction(ctx, deps);
    if (!it) return;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.verify(`interaction:${it.uid}`, body.csrf)) {
      deps.audit.warn({ event: 'csrf_rejected', ip: ctx.ip, step: ctx.params.step });
      renderPage(ctx, errorPage(it.form.lang, it.form.lang.t('errors.csrfTitle'), it.form.lang.t('errors.csrf')), 403);
      return;
    }
    await step(ctx, deps, it, body);
  });

  return router;
}
