import type { Context } from 'koa';
import { maskIdentifier } from '../accounts/identifier.js';
import { codePage, consentPage, identifyPage, registerPage, totpPage } from '../views/login-pages.js';
import { type Interaction, renderPage } from './context.js';

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

function currentPage({ details, form, state }: Interaction): string {
  const notice = (key?: string) => (key ? form.lang.t(key) : undefined);
  if (details.prompt.name === 'consent') {
    const missing = details.prompt.details as ConsentDetails;
    const scopes = [...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()];
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
