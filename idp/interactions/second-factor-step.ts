import type { Context } from 'koa';
import { openSecret } from '../crypto/secret-box.js';
import { verifyTotp } from '../totp/totp.js';
import { totpPage } from '../views/login-pages.js';
import { asciiCode } from './code-digits.js';
import { backToInteraction, type Interaction, type InteractionDeps, renderPage } from './context.js';
import { finishLogin } from './finish.js';

/** Wrong authenticator codes allowed in one login before it starts again from the phone or email. */
const MAX_TOTP_FAILURES = 5;

/** POST totp: the authenticator code of an enrolled account; each time step is accepted once. */
export async function verifyTotpStep(
  ctx: Context,
  deps: InteractionDeps,
  it: Interaction,
  body: Record<string, unknown>,
): Promise<void> {
  const { state } = it;
  if (state.stage !== 'totp') return backToInteraction(ctx, it.uid);
  const account = await deps.accounts.findById(state.accountId);
  const code = asciiCode(body.code);
  const step = account?.totp ? verifyTotp(openSecret(account.totp.sealedSecret, deps.dataKey), code) : null;
  if (account && step !== null && (await deps.accounts.acceptTotpStep(account._id, step))) {
    return finishLogin(ctx, deps, it, account._id, true);
  }
  const totpFailures = state.totpFailures + 1;
  deps.audit.warn({ event: 'totp_failed', accountId: state.accountId, failures: totpFailures, ip: ctx.ip });
  if (totpFailures >= MAX_TOTP_FAILURES) {
    await deps.states.set(it.uid, { stage: 'identify', notice: 'totp.tooMany' });
    return backToInteraction(ctx, it.uid);
  }
  await deps.states.set(it.uid, { ...state, totpFailures });
  renderPage(ctx, totpPage({ ...it.form, error: it.form.lang.t('totp.wrong') }), 400);
}
