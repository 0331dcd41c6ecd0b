import type { Context } from 'koa';
import { scopeOfClaim } from '../accounts/account-store.js';
import { maskIdentifier } from '../accounts/identifier.js';
import { codePage, consentPage, identifyPage, registerPage, totpPage } from '../views/login-pages.js';
import { type Interaction, renderPage } from './context.js';

interface ConsentDetails {
  missingOIDCScope?: string[];
  /** Single claims asked for with the `claims` parameter, beyond the scopes. */
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/** A claim asked for alone is described by the scope that holds it (the page repeats no sentence). */
const claimScopes = (claims: string[] = []) => claims.map((claim) => scopeOfClaim(claim) ?? claim);

function currentPage({ details, form, state }: Interaction): string {
  const notice = (key?: string) => (key ? form.lang.t(key) : undefined);
  if (details.prompt.name === 'consent') {
    const missing = details.prompt.details as ConsentDetails;
    const scopes = [
      ...(missing.missingOIDCScope ?? []),
      ...claimScopes(missing.missingOIDCClaims),
      ...Object.values(missing.missingResourceScopes ?? {}).flat(),
    ];
    // prompt=consent with everything already allowed: ask again for all the request names.
    const requested = String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    return consentPage(form, scopes.length ? scopes : requested);
  }
  switch (state.stage) {
    case 'identify':
      return identifyPage({ ...form, notice: notice(state.notice) });
    case 'code':
      return codePage({ ...form, notice: notice(state.notice) }, maskIdentifier(state.identifier));
    case 'totp':
      return totpPage(form);
    case 'register':
      return registerPage(form, maskIdentifier(state.identifier));
  }
}

/** GET /interaction/:uid renders the page for where the citizen is. */
export function showInteraction(ctx: Context, it: Interaction): void {
  renderPage(ctx, currentPage(it));
}
