import type { Context } from 'koa';
import type { CountryCode } from 'libphonenumber-js';
import type Provider from 'oidc-provider';
import type { Logger } from '../../infra/logger.js';
import type { Notifier } from '../../infra/notifier/index.js';
import type { AccountStore } from '../accounts/account-store.js';
import type { ConsentStore } from '../consents/consent-store.js';
import type { OtpService } from '../otp/index.js';
import type { OperatorAppRequired } from '../provider/operator-app.js';
import { PAGE_CSP } from '../views/layout.js';
import type { FormContext } from '../views/login-pages.js';
import type { CsrfTokens } from './csrf.js';
import type { LoginState, LoginStates } from './login-state.js';

export interface InteractionDeps {
  provider: Provider;
  accounts: AccountStore;
  /** Remembered consents of third-party clients. */
  consents: ConsentStore;
  otp: OtpService;
  notifier: Notifier;
  states: LoginStates;
  csrf: CsrfTokens;
  audit: Logger;
  dataKey: Buffer;
  defaultRegion: CountryCode;
  /** How long a one-time code works, in seconds. */
  codeTtlSeconds: number;
  /** Whether this person at this client must sign in with the authenticator app (an operator at an operator console). */
  operatorAppRequired: OperatorAppRequired;
}

export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Everything a step handler needs about the interaction it acts on. */
export interface Interaction {
  uid: string;
  details: Details;
  /** Whether our state for it was stored (a step was taken); false on its first page. */
  started: boolean;
  state: LoginState;
  form: FormContext;
  clientName: string;
}

export function renderPage(ctx: Context, body: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

/** Post/redirect/get: every successful POST lands back on the interaction page. */
export function backToInteraction(ctx: Context, uid: string): void {
  ctx.status = 303;
  ctx.redirect(`/interaction/${uid}`);
}
