/**
 * The scopes of the hub's API and what each allows, in one English sentence: the OpenAPI
 * document shows them, and the idp's consent texts say the same (idp/provider/resource-server.ts
 * lists the same names; the two services share no code).
 */
export const API_SCOPES = {
  'bills:read':
    'See the billers, look up a bill by consumer number, and see your saved accounts and what is due on them.',
  'accounts:write': 'Add consumer accounts to your saved accounts and remove them.',
  'payments:read': 'See your payments, their status and their receipts.',
  'payments:write': "Pay bills for you (start a checkout) and ask the gateway for a payment's status.",
} as const satisfies Record<string, string>;

export type ApiScope = keyof typeof API_SCOPES;
