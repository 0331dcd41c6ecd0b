import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import { errorPage } from '../views/provider-pages.js';
import { abort, grantConsent } from './consent-step.js';
import { type Interaction, type InteractionDeps, renderPage } from './context.js';
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

/** Loads the provider's interaction (bound to this browser's cookie) and our state for it. */
async function loadInteraction(ctx: Context, deps: InteractionDeps): Promise<Interaction | undefined> {
  let details: Interaction['details'];
  try {
    details = await deps.provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    renderPage(
      ctx,
      errorPage('Sign-in expired', 'This sign-in has expired or was opened elsewhere. Please start again.'),
      400,
    );
    return undefined;
  }
  if (details.uid !== ctx.params.uid) {
    renderPage(ctx, errorPage('Sign-in expired', 'This sign-in page is out of date. Please start again.'), 400);
    return undefined;
  }
  const client = await deps.provider.Client.find(String(details.params.client_id));
  const clientName = client?.clientName ?? String(details.params.client_id);
  const uid = details.uid;
  return {
    uid,
    details,
    clientName,
    state: await deps.states.get(uid),
    form: {
      action: (step) => `/interaction/${uid}/${step}`,
      csrf: deps.csrf.issue(`interaction:${uid}`),
      clientName,
      codeLifetime: deps.codeLifetime,
    },
  };
}

/** The login, registration and consent pages: GET shows the current step, POST acts on one. */
export function interactionRouter(deps: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction' });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });

  router.get('/:uid', async (ctx) => {
    const it = await loadInteraction(ctx, deps);
    if (it) showInteraction(ctx, it);
  });

  router.post('/:uid/:step', forms, async (ctx) => {
    const step = STEPS[ctx.params.step ?? ''];
    if (!step) {
      renderPage(ctx, errorPage('Not found', 'There is no such step.'), 404);
      return;
    }
    const it = await loadInteraction(ctx, deps);
    if (!it) return;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.verify(`interaction:${it.uid}`, body.csrf)) {
      deps.audit.warn({ event: 'csrf_rejected', ip: ctx.ip, step: ctx.params.step });
      renderPage(
        ctx,
        errorPage('Please try again', 'This form was not sent from this page. Go back and try again.'),
        403,
      );
      return;
    }
    await step(ctx, deps, it, body);
  });

  return router;
}
