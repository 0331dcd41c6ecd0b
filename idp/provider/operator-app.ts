import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_CODE_AND_APP } from './acr.js';

/** The login prompt's reason when an operator's session at an operator console lacks the app. */
export const OPERATOR_APP_REASON = 'operator_app';

/**
 * Whether this person, signing in at this client, must use the authenticator app: an operator
 * (the roles file) at an operator console. Resolves false for anyone else.
 */
export type OperatorAppRequired = (clientId: string | undefined, accountId: string) => Promise<boolean>;

/**
 * A login prompt check (oidc-provider interaction policy, like acr.ts's acr_values check): an
 * operator at an operator console whose session did not reach code-and-app (signed in elsewhere
 * with a code alone) signs in again, with the app. The idp requires it whatever the client asks
 * for: the interaction then goes straight to the app (STEP_UP_REASONS), or, without an enrolled
 * app, tells the operator how to enrol and never completes (interactions/finish.ts).
 */
export function operatorAppCheck(required: OperatorAppRequired): interactionPolicy.Check {
  return new interactionPolicy.Check(
    OPERATOR_APP_REASON,
    'an operator signs in to an operator console with the authenticator app',
    async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const accountId = oidc.session?.accountId;
      if (!accountId || oidc.session?.acr === ACR_CODE_AND_APP) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return required(oidc.client?.clientId, accountId);
    },
  );
}
