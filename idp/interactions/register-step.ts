import type { Context } from 'koa';
import { maskIdentifier } from '../accounts/identifier.js';
import { registerPage } from '../views/login-pages.js';
import { backToInteraction, type Interaction, type InteractionDeps, renderPage } from './context.js';
import { finishLogin } from './finish.js';

/** POST register: a first-time identifier, proven by its code, becomes an account. */
export async function register(
  ctx: Context,
  deps: InteractionDeps,
  it: Interaction,
  body: Record<string, unknown>,
): Promise<void> {
  const { state } = it;
  if (state.stage !== 'register') return backToInteraction(ctx, it.uid);
  const name = typeof body.name === 'string' ? body.name.trim().replace(/\s+/g, ' ') : '';
  if (name.length < 1 || name.length > 100 || /[<>\p{Cc}]/u.test(name)) {
    const error = it.form.lang.t('register.error');
    return renderPage(ctx, registerPage({ ...it.form, error }, maskIdentifier(state.identifier)), 400);
  }
  const account = await deps.accounts.register(state.identifier, name);
  deps.audit.info({ event: 'account_registered', accountId: account._id, kind: state.identifier.kind });
  await finishLogin(ctx, deps, it, account._id);
}
