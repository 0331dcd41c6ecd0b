import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Identifier } from '../accounts/identifier.js';

/**
 * Authentication levels (acr, OpenID Connect Core 1.0 §2) the idp reaches, weakest first, and
 * the methods behind them (amr, RFC 8176 §2). No `+` in the names: a hand-written
 * `acr_values=a+b` query would read it as a space, which separates values.
 */

/** A one-time code sent to the citizen's phone or email. */
export const ACR_CODE = 'urn:citizen-billpay:acr:code';
/** A one-time code, then a code from the authenticator app the citizen enrolled. */
export const ACR_CODE_AND_APP = 'urn:citizen-billpay:acr:code-and-app';
/** Every level, weakest first; published as `acr_values_supported`. */
export const ACR_VALUES = [ACR_CODE, ACR_CODE_AND_APP] as const;
export type Acr = (typeof ACR_VALUES)[number];

/**
 * amr of the one-time code: RFC 8176 `sms` for a code texted to the phone. An emailed code has
 * no registered value (`otp` is for RFC 4226/6238 generators), so it is `email`: OpenID Connect
 * Core §2 leaves further amr values to the parties to agree on.
 */
export function codeAmr(kind: Identifier['kind']): string {
  return kind === 'phone' ? 'sms' : 'email';
}

/** amr of the authenticator app: RFC 8176 `otp` (its codes are RFC 6238 TOTP). */
export const APP_AMR = 'otp';

/** The level a set of amr values reaches. `mfa` is not claimed: both factors are possessions, often one phone. */
export function acrOf(amr: readonly string[]): Acr {
  return amr.includes(APP_AMR) ? ACR_CODE_AND_APP : ACR_CODE;
}

/** A level's rank (0 weakest); -1 for a value the idp does not know. */
function rank(acr: unknown): number {
  return ACR_VALUES.indexOf(acr as Acr);
}

/**
 * The acr values a request's `claims` parameter asks for as essential in the ID token
 * (`{"id_token":{"acr":{"essential":true,"value"|"values":…}}}`, OpenID Connect Core §5.5.1.1);
 * undefined when it asks for none. `claims` is the raw JSON string the provider validated.
 */
export function essentialAcrs(claims: unknown): string[] | undefined {
  if (typeof claims !== 'string') return undefined;
  let acr: { essential?: unknown; value?: unknown; values?: unknown } | undefined;
  try {
    acr = JSON.parse(claims)?.id_token?.acr;
  } catch {
    return undefined;
  }
  if (acr?.essential !== true) return undefined;
  if (typeof acr.value === 'string') return [acr.value];
  if (Array.isArray(acr.values)) return acr.values.filter((v): v is string => typeof v === 'string');
  return undefined;
}

/**
 * The acr to record for a login that reached `achieved`. Without an essential request it is
 * `achieved`. With one, it is the strongest requested level the login satisfies (a login with
 * the app satisfies the code-only class too, Core §2 "the class the authentication satisfied"),
 * or undefined when none: the caller then fails the request with
 * `unmet_authentication_requirements` (OpenID Connect Core Error Code
 * unmet_authentication_requirements 1.0), as §5.5.1.1 requires a failed authentication.
 */
export function acrToRecord(achieved: Acr, claims: unknown): Acr | undefined {
  const essential = essentialAcrs(claims);
  if (!essential) return achieved;
  const satisfied = ACR_VALUES.slice(0, rank(achieved) + 1).filter((acr) => essential.includes(acr));
  return satisfied.at(-1);
}

/**
 * A login prompt for `acr_values` (voluntary, Core §3.1.2.1): when the session's level is below
 * every requested level the idp knows and the citizen could reach one (an enrolled authenticator
 * app), the citizen steps up. Without an app, or with `prompt=none`, nothing is asked and the
 * ID token says the level reached. Essential acr requests are the provider's own `essential_acr(s)` checks.
 */
export function acrValuesCheck(hasApp: (accountId: string) => Promise<boolean>): interactionPolicy.Check {
  return new interactionPolicy.Check(
    'acr_values',
    'a requested authentication level can be reached',
    async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const accountId = oidc.session?.accountId;
      const requested = String(oidc.params?.acr_values ?? '')
        .split(' ')
        .map(rank)
        .filter((r) => r >= 0);
      // No session is the no_session check's; a login just made is final for this request; and
      // with prompt=none a voluntary level is no reason to fail: the session answers at its level.
      if (!requested.length || !accountId || oidc.result?.login || oidc.prompts.has('none')) {
        return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      }
      const current = Math.max(rank(oidc.session?.acr), 0);
      if (requested.some((r) => r <= current)) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return hasApp(accountId);
    },
  );
}

/** Login prompt reasons a second factor alone answers, for a session that already exists. */
export const STEP_UP_REASONS: ReadonlySet<string> = new Set([
  'acr_values',
  'essential_acr',
  'essential_acrs',
  // An operator at an operator console without the app in this session (operator-app.ts).
  'operator_app',
]);

/**
 * oidc-provider's default interaction policy with the acr_values step-up added to its login
 * prompt. The defaults already prompt a login for no session, `prompt=login`, an elapsed
 * `max_age` (and `max_age=0`, which the provider turns into `prompt=login`), an id_token_hint for
 * someone else and an essential acr not reached. `hasApp` says whether an account enrolled an app;
 * `more` are further login checks (the operator's app at an operator console: operator-app.ts).
 */
export function loginPolicy(
  hasApp: (accountId: string) => Promise<boolean>,
  ...more: interactionPolicy.Check[]
): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider default policy has no login prompt');
  login.checks.add(acrValuesCheck(hasApp));
  for (const check of more) login.checks.add(check);
  return policy;
}
