import { z } from 'zod';
import type { BillService } from '../../bills/bill-service.js';
import { collectDues } from '../../bills/dues.js';
import type { PaymentStore } from '../../payments/index.js';
import type { SavedAccountStore } from '../../saved-accounts/saved-account-store.js';
import { citizenOf } from '../access-token.js';
import type { RouteSpec } from '../route-spec.js';

const linkBody = z
  .object({
    billerId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    consumer: z.record(z.string().regex(/^\w{1,32}$/), z.string().min(1).max(64)),
    nickname: z.string().trim().min(1).max(40).optional(),
  })
  .strict();

/** A citizen's saved consumer accounts and what is due on them; always only their own. */
export function accountRoutes(accounts: SavedAccountStore, bills: BillService, payments?: PaymentStore): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/accounts',
      summary: 'My saved consumer accounts',
      scopes: ['bills:read'],
      handler: async (ctx) => ({ accounts: await accounts.listViews(citizenOf(ctx.state).sub) }),
    },
    {
      method: 'post',
      path: '/accounts',
      summary: "Link a consumer account, checked by the biller's rules and one bill fetch",
      scopes: ['bills:read'],
      body: linkBody,
      status: 201,
      handler: (ctx, { body }) => accounts.link(citizenOf(ctx.state).sub, body as z.infer<typeof linkBody>),
    },
    {
      method: 'delete',
      path: '/accounts/:accountId',
      summary: 'Unlink a saved account',
      scopes: ['bills:read'],
      status: 204,
      handler: (ctx) => accounts.unlink(citizenOf(ctx.state).sub, String(ctx.params.accountId)),
    },
    {
      method: 'get',
      path: '/dues',
      summary:
        "Current bills of all my saved accounts, fetched concurrently, each with today's payable amount (rebate or late fee applied) and a checkout line naming the saved account; a failing biller gives that account an error",
      scopes: ['bills:read'],
      handler: async (ctx) => ({
        dues: await collectDues(await accounts.list(citizenOf(ctx.state).sub), bills, payments?.model),
      }),
    },
  ];
}
