import { z } from 'zod';
import type { BillService } from '../../bills/bill-service.js';
import { collectDemandDues, type PayerDemands } from '../../bills/demand-dues.js';
import { collectDues } from '../../bills/dues.js';
import type { PaymentStore } from '../../payments/index.js';
import type { SavedAccountStore } from '../../saved-accounts/saved-account-store.js';
import { accountListSchema, duesSchema, linkedAccountSchema } from '../response-schemas.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { dueView } from '../views/due-view.js';
import { maskedBill } from '../views/masked-bill.js';

const linkBody = z
  .object({
    billerId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    consumer: z.record(z.string().regex(/^\w{1,32}$/), z.string().min(1).max(64)),
    // Checked as sent, then trimmed: a blank nickname is the biller's name (the store's rule), so
    // the documented schema (at most 40 characters) is exactly what is accepted.
    nickname: z.string().max(40).trim().optional(),
  })
  .strict();

/**
 * A citizen's saved consumer accounts and what is due on them; always only their own. With
 * `demands`, /dues also lists the payment demands raised for the token's phone or email.
 */
export function accountRoutes(
  accounts: SavedAccountStore,
  bills: BillService,
  payments?: PaymentStore,
  demands?: PayerDemands,
): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/accounts',
      operationId: 'listMyAccounts',
      summary: 'My saved consumer accounts',
      scopes: ['bills:read'],
      callers: ['citizen'],
      response: accountListSchema,
      handler: async (_ctx, { caller }) => ({ accounts: await accounts.listViews(caller.sub) }),
    }),
    defineRoute({
      method: 'post',
      path: '/accounts',
      operationId: 'linkAccount',
      summary: "Link a consumer account, checked by the biller's rules and one bill fetch",
      scopes: ['accounts:write'],
      callers: ['citizen'],
      body: linkBody,
      status: 201,
      response: linkedAccountSchema,
      problems: {
        404: 'not_found: no such biller',
        409: 'conflict: this consumer is already linked',
        422: 'consumer_not_found, biller_rejected: the biller does not know this consumer or refuses it',
        503: 'biller_unavailable: retryable',
      },
      handler: async (_ctx, { body, caller }) => {
        const { account, bill } = await accounts.link(caller.sub, body);
        // The consumer is shown masked, so the bill number (which may embed it) is too.
        return { account, bill: maskedBill(bill) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/accounts/:accountId',
      operationId: 'unlinkAccount',
      summary: 'Unlink a saved account',
      scopes: ['accounts:write'],
      callers: ['citizen'],
      problems: { 404: 'not_found: no such saved account of mine' },
      status: 204,
      handler: (_ctx, { params, caller }) => accounts.unlink(caller.sub, params.accountId),
    }),
    defineRoute({
      method: 'get',
      path: '/dues',
      summary:
        "Current bills of all my saved accounts, fetched concurrently, each with today's payable amount (rebate or late fee applied) and a checkout line naming the saved account and the bill (by an opaque billRef: bill numbers are shown masked); a failing biller gives that account an error. `demands`: the payment demands raised for my verified phone or email, each with its next instalment's bill and a checkout line",
      operationId: 'listMyDues',
      scopes: ['bills:read'],
      callers: ['citizen'],
      response: duesSchema,
      handler: async (_ctx, { caller: citizen }) => {
        const saved = await accounts.list(citizen.sub);
        const payer = { phone: citizen.phone, email: citizen.email };
        const [dues, demandDues] = await Promise.all([
          collectDues(saved, bills, payments?.model),
          demands ? collectDemandDues(demands, payer, bills, payments?.model) : undefined,
        ]);
        return { dues: dues.map((due) => dueView(due, saved)), ...(demandDues ? { demands: demandDues } : {}) };
      },
    }),
  ];
}
