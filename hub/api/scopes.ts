/**
 * The scopes of the hub's API that a citizen grants, and what each allows, in one English
 * sentence: the OpenAPI document shows them, and the idp's consent texts say the same
 * (idp/provider/resource-server.ts lists the same names; the two services share no code). Only
 * citizens' tokens (the authorization code flow) carry them.
 */
export const API_SCOPES = {
  'bills:read': 'Look up a bill by consumer number, and see your saved accounts and what is due on them.',
  'accounts:write': 'Add consumer accounts to your saved accounts and remove them.',
  'payments:read': 'See your payments, their status and their receipts.',
  'payments:write': "Pay bills for you (start a checkout) and ask the gateway for a payment's status.",
} as const satisfies Record<string, string>;

/**
 * The scopes a machine client gets for itself (client credentials), never a citizen: the idp
 * allows each client some of them (idp/provider/client-credentials.ts lists the same names). The
 * demand scopes also go to a provider's member signing in at a provider portal, whose token names
 * the provider (`provider_id`, a `member` token: access-token.ts, idp/roles/provider-claims.ts).
 */
export const CLIENT_SCOPES = {
  'billers:read': 'See the biller directory: the billers on offer and the consumer fields each needs.',
  'demands:write':
    "Raise payment demands as this provider (one, or a CSV upload), and amend or cancel the provider's own.",
  'demands:read': "See and export this provider's own payment demands, with each instalment's collection status.",
} as const satisfies Record<string, string>;

export type ApiScope = keyof typeof API_SCOPES;
export type ClientScope = keyof typeof CLIENT_SCOPES;

/**
 * The scopes of an operator's token (kind `operator`): issued by the idp only to the operator
 * console, and only for a member of an operator organisation of its roles file who signed in with
 * the authenticator app (idp/roles). Reading covers payments, timelines, ledger entries, queues,
 * complaints, risk flags and metrics; acting covers every audited action (hub/operator/audit-log.ts).
 */
export const OPERATOR_SCOPES = {
  'ops:read': 'See payments, their timelines and ledger entries, the work queues, complaints and metrics.',
  'ops:write':
    'Act on payments, complaints, reconciliation cases and risk rules, each action audited with who and why.',
} as const satisfies Record<string, string>;

export type OperatorScope = keyof typeof OPERATOR_SCOPES;
