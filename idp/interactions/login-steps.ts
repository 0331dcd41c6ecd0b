import type { Context } from 'koa';
import { ValidationError } from '../../infra/errors.js';
import { type Identifier, maskIdentifier, parseIdentifier } from '../accounts/identifier.js';
import { codePage, identifyPage } from '../views/login-pages.js';
import { backToInteraction, type Interaction, type InteractionDeps, renderPage } from './context.js';
import { finishLogin } from './finish.js';
import { OtpError, otpMessage } from './otp-messages.js';

type Body = Record<string, unknown>;
const text = (body: Body, field: string) => (typeof body[field] === 'string' ? (body[field] as string) : '');

async function sendCode(deps: InteractionDeps, identifier: Identifier, code: string): Promise<void> {
  const body = `Your sign-in code is ${code}. It expires in ${deps.codeLifetime}. Never share it with anyone.`;
  await deps.notifier.send(
    identifier.kind === 'phone'
      ? { channel: 'sms', to: identifier.value, text: body }
      : { channel: 'email', to: identifier.value, subject: 'Your sign-in code', text: body },
  );
}

/**
 * POST identify: sends a code. The answer is the same whether or not the identifier has an
 * account: nothing is looked up until the code is proven.
 */
export async function identify(ctx: Context, deps: InteractionDeps, it: Interaction, body: Body): Promise<void> {
  const typed = text(body, 'identifier');
  let identifier: Identifier;
  try {
    identifier = parseIdentifier(typed, deps.defaultRegion);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return renderPage(ctx, identifyPage({ ...it.form, error: error.message }, typed.slice(0, 254)), 400);
  }
  try {
    const { challengeId, code } = await deps.otp.issue({ identifier: identifier.value, ip: ctx.ip });
    await sendCode(deps, identifier, code);
    deps.audit.info({ event: 'otp_sent', to: maskIdentifier(identifier), ip: ctx.ip });
    await deps.states.set(it.uid, { stage: 'code', identifier, challengeId });
    backToInteraction(ctx, it.uid);
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    deps.audit.warn({ event: 'otp_refused', reason: error.reason, to: maskIdentifier(identifier), ip: ctx.ip });
    renderPage(ctx, identifyPage({ ...it.form, error: otpMessage(error) }, typed), 429);
  }
}

/** POST verify: proves the code, then asks for the authenticator, a name, or finishes. */
export async function verifyCode(ctx: Context, deps: InteractionDeps, it: Interaction, body: Body): Promise<void> {
  const { state } = it;
  if (state.stage !== 'code') return backToInteraction(ctx, it.uid);
  try {
    await deps.otp.verify(state.challengeId, text(body, 'code').trim());
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    deps.audit.warn({ event: 'otp_failed', reason: error.reason, to: maskIdentifier(state.identifier), ip: ctx.ip });
    if (error.reason === 'locked') deps.audit.warn({ event: 'lockout', to: maskIdentifier(state.identifier) });
    const page = codePage({ ...it.form, error: otpMessage(error) }, maskIdentifier(state.identifier));
    return renderPage(ctx, page, error.reason === 'locked' ? 429 : 400);
  }
  await deps.otp.clearFailures(state.identifier.value);
  const account = await deps.accounts.findByIdentifier(state.identifier);
  if (!account) {
    await deps.states.set(it.uid, { stage: 'register', identifier: state.identifier });
    return backToInteraction(ctx, it.uid);
  }
  if (account.status !== 'active') {
    deps.audit.warn({ event: 'login_refused', reason: 'account_disabled', accountId: account._id });
    return renderPage(ctx, codePage({ ...it.form, error: 'This account cannot sign in. Contact support.' }, ''), 403);
  }
  if (account.totp) {
    await deps.states.set(it.uid, {
      stage: 'totp',
      identifier: state.identifier,
      accountId: account._id,
      totpFailures: 0,
    });
    return backToInteraction(ctx, it.uid);
  }
  await finishLogin(ctx, deps, it, account._id, ['otp']);
}

/** POST resend: a new code after the cooldown; the old one stops working. */
export async function resendCode(ctx: Context, deps: InteractionDeps, it: Interaction): Promise<void> {
  const { state } = it;
  if (state.stage !== 'code') return backToInteraction(ctx, it.uid);
  try {
    const { code } = await deps.otp.resend(state.challengeId, ctx.ip);
    await sendCode(deps, state.identifier, code);
    deps.audit.info({ event: 'otp_resent', to: maskIdentifier(state.identifier), ip: ctx.ip });
    await deps.states.set(it.uid, { ...state, notice: 'We sent you a new code.' });
    backToInteraction(ctx, it.uid);
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    const page = codePage({ ...it.form, error: otpMessage(error) }, maskIdentifier(state.identifier));
    renderPage(ctx, page, 429);
  }
}

/** POST change: back to the first step with another phone or email. */
export async function changeIdentifier(ctx: Context, deps: InteractionDeps, it: Interaction): Promise<void> {
  await deps.states.set(it.uid, { stage: 'identify' });
  backToInteraction(ctx, it.uid);
}
