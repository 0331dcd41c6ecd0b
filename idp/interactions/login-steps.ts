import type { Context } from 'koa';
import { ValidationError } from '../../infra/errors.js';
import { type Identifier, maskIdentifier, parseIdentifier } from '../accounts/identifier.js';
import { durationText, type Translate } from '../views/i18n.js';
import { codePage, identifyPage } from '../views/login-pages.js';
import { asciiCode } from './code-digits.js';
import { backToInteraction, type Interaction, type InteractionDeps, renderPage } from './context.js';
import { finishLogin } from './finish.js';
import { OtpError, otpMessage } from './otp-messages.js';

type Body = Record<string, unknown>;
const text = (body: Body, field: string) => (typeof body[field] === 'string' ? (body[field] as string) : '');

/** Sends the code in the language of the page that asked for it. */
async function sendCode(deps: InteractionDeps, it: Interaction, identifier: Identifier, code: string): Promise<void> {
  const { t } = it.form.lang;
  const body = t('message.body', { code, lifetime: durationText(t, deps.codeTtlSeconds) });
  await deps.notifier.send(
    identifier.kind === 'phone'
      ? { channel: 'sms', to: identifier.value, text: body }
      : { channel: 'email', to: identifier.value, subject: t('message.subject'), text: body },
  );
}

/**
 * The browser's device token (OtpService.trustDevice): HttpOnly, only sent to the sign-in pages,
 * and worth nothing without a code; it lets a browser that signed in before be counted as itself
 * rather than as its address, so nobody sharing that address can lock or slow it.
 */
const DEVICE_COOKIE = 'otp_device';

const device = (ctx: Context) => ctx.cookies.get(DEVICE_COOKIE, { signed: false });

function trustThisDevice(ctx: Context, deps: InteractionDeps, identifier: Identifier): void {
  const { token, maxAgeSeconds } = deps.otp.trustDevice(identifier.value);
  ctx.cookies.set(DEVICE_COOKIE, token, {
    signed: false,
    httpOnly: true,
    sameSite: 'lax',
    path: '/interaction',
    maxAge: maxAgeSeconds * 1000,
    secure: ctx.secure,
    overwrite: true,
  });
}

/** A 429's wait (RFC 9110 §10.2.3), the same number the page puts in words. */
function setRetryAfter(ctx: Context, error: OtpError): void {
  if (error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(error.retryAfterSeconds));
}

/** Why parseIdentifier refused what was typed, by the same tests it applies, in the page's language. */
function identifierError(typed: string, t: Translate): string {
  const trimmed = typed.trim();
  if (trimmed.length === 0 || trimmed.length > 254) return t('identify.errors.missing');
  return trimmed.includes('@') ? t('identify.errors.email') : t('identify.errors.phone');
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
    const message = identifierError(typed, it.form.lang.t);
    return renderPage(ctx, identifyPage({ ...it.form, error: message }, typed.slice(0, 254)), 400);
  }
  try {
    const { challengeId, code } = await deps.otp.issue({
      identifier: identifier.value,
      ip: ctx.ip,
      device: device(ctx),
    });
    await sendCode(deps, it, identifier, code);
    deps.audit.info({ event: 'otp_sent', to: maskIdentifier(identifier), ip: ctx.ip });
    await deps.states.set(it.uid, { stage: 'code', identifier, challengeId });
    backToInteraction(ctx, it.uid);
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    deps.audit.warn({ event: 'otp_refused', reason: error.reason, to: maskIdentifier(identifier), ip: ctx.ip });
    setRetryAfter(ctx, error);
    renderPage(ctx, identifyPage({ ...it.form, error: otpMessage(error, it.form.lang.t) }, typed), 429);
  }
}

/** POST verify: proves the code, then asks for the authenticator, a name, or finishes. */
export async function verifyCode(ctx: Context, deps: InteractionDeps, it: Interaction, body: Body): Promise<void> {
  const { state } = it;
  if (state.stage !== 'code') return backToInteraction(ctx, it.uid);
  try {
    await deps.otp.verify(
      state.challengeId,
      asciiCode(text(body, 'code')),
      ctx.ip,
      device(ctx),
      state.identifier.value,
    );
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    deps.audit.warn({ event: 'otp_failed', reason: error.reason, to: maskIdentifier(state.identifier), ip: ctx.ip });
    if (error.reason === 'locked') {
      deps.audit.warn({ event: 'lockout', to: maskIdentifier(state.identifier), ip: ctx.ip });
      setRetryAfter(ctx, error);
    }
    const page = codePage({ ...it.form, error: otpMessage(error, it.form.lang.t) }, maskIdentifier(state.identifier));
    return renderPage(ctx, page, error.reason === 'locked' ? 429 : 400);
  }
  // verify() forgot this origin's wrong codes with the challenge.
  trustThisDevice(ctx, deps, state.identifier);
  const account = await deps.accounts.findByIdentifier(state.identifier);
  if (!account) {
    await deps.states.set(it.uid, { stage: 'register', identifier: state.identifier });
    return backToInteraction(ctx, it.uid);
  }
  if (account.status !== 'active') {
    deps.audit.warn({ event: 'login_refused', reason: 'account_disabled', accountId: account._id });
    const error = it.form.lang.t('code.accountDisabled');
    return renderPage(ctx, codePage({ ...it.form, error }, ''), 403);
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
  await finishLogin(ctx, deps, it, account._id);
}

/** POST resend: a new code after the cooldown; the old one stops working. */
export async function resendCode(ctx: Context, deps: InteractionDeps, it: Interaction): Promise<void> {
  const { state } = it;
  if (state.stage !== 'code') return backToInteraction(ctx, it.uid);
  try {
    const { code } = await deps.otp.resend(state.challengeId, ctx.ip, device(ctx));
    await sendCode(deps, it, state.identifier, code);
    deps.audit.info({ event: 'otp_resent', to: maskIdentifier(state.identifier), ip: ctx.ip });
    await deps.states.set(it.uid, { ...state, notice: 'code.resent' });
    backToInteraction(ctx, it.uid);
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    deps.audit.warn({ event: 'otp_refused', reason: error.reason, to: maskIdentifier(state.identifier), ip: ctx.ip });
    setRetryAfter(ctx, error);
    const page = codePage({ ...it.form, error: otpMessage(error, it.form.lang.t) }, maskIdentifier(state.identifier));
    renderPage(ctx, page, 429);
  }
}

/** POST change: back to the first step with another phone or email. */
export async function changeIdentifier(ctx: Context, deps: InteractionDeps, it: Interaction): Promise<void> {
  await deps.states.set(it.uid, { stage: 'identify' });
  backToInteraction(ctx, it.uid);
}
