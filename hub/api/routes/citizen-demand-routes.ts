import { z } from 'zod';
import { NotFoundError } from '../../../infra/errors.js';
import type { BillService } from '../../bills/bill-service.js';
import { collectDemandDues } from '../../bills/demand-dues.js';
import { type DemandStore, OPEN_DEMAND_STATUSES, type Payer } from '../../demands/index.js';
import type { PaymentModel } from '../../payments/index.js';
import { isPayerOf } from '../../wallet/wallet-payment-plan.js';
import { demandDueSchema, demandSchema } from '../response-schemas.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { demandView } from './demand-view.js';

/** The longest reference read: `DM-XXXXX-XXXXX-C` typed with spaces; anything longer is no demand's. */
const MAX_REFERENCE_LENGTH = 40;

/**
 * A demand as its payer sees it: the provider's view (demandView) without the payer's contacts, the
 * audit trail or the version, and with the provider's display name (the idp's client_name when it
 * was raised, else the provider's id).
 */
const payerDemandSchema = demandSchema
  .omit({ payer: true, audit: true, version: true, createdAt: true, updatedAt: true })
  .extend({ providerName: z.string().meta({ description: 'who raised the demand, as payers are told' }) });

const citizenDemandSchema = z.object({
  demand: payerDemandSchema,
  due: demandDueSchema
    .meta({
      description:
        'while the demand is open or partly paid: its next instalment as a due (bill with its amountOptions, ' +
        "today's payable amount, the checkout line, a payment paying or holding it), exactly as /dues lists it",
    })
    .optional(),
});

export interface CitizenDemandDeps {
  demands: DemandStore;
  bills: BillService;
  /** Payments, to mark an instalment paid or held by a checkout (as /dues does). */
  payments?: PaymentModel;
}

/**
 * The citizen's own payment demand by its reference number (what a demand_received message's pay
 * link opens in the portal). Only the payer the demand names, matched on a phone or email the idp
 * verified for this token, reads it: an unknown, malformed or another payer's reference is the same
 * 404 `not_found`, so the answer never tells whether a reference exists.
 */
export function citizenDemandRoutes({ demands, bills, payments }: CitizenDemandDeps): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/dues/demands/:reference',
      operationId: 'getMyDemand',
      summary:
        'One payment demand raised for my verified phone or email, by its reference number: the provider, line ' +
        'items with their taxes, instalments, late fee and discount rules, and while it is payable its next ' +
        "instalment as a due (bill with amount options, today's amount, checkout line)",
      scopes: ['bills:read'],
      callers: ['citizen'],
      response: citizenDemandSchema,
      problems: { 404: 'not_found: no such demand of mine (unknown, malformed, or raised for someone else)' },
      // As typed (with spaces, in lower case): the store reads it; anything longer is no demand's.
      params: z.object({ reference: z.string().max(MAX_REFERENCE_LENGTH) }),
      handler: async (_ctx, { params, caller: citizen }) => {
        const payer: Payer = {
          ...(citizen.phone ? { phone: citizen.phone } : {}),
          ...(citizen.email ? { email: citizen.email } : {}),
        };
        const demand = payer.phone || payer.email ? await demands.findByReference(params.reference) : null;
        if (!demand || !isPayerOf(demand, payer)) throw new NotFoundError('no such demand of mine');
        const {
          payer: _payer,
          audit: _audit,
          version: _version,
          createdAt: _c,
          updatedAt: _u,
          ...view
        } = demandView(demand);
        const payable = OPEN_DEMAND_STATUSES.includes(demand.status);
        // The same due /dues gives (bill fetched fresh through the payment-demands biller, paid/checkout marks).
        const [due] = payable
          ? await collectDemandDues({ listForPayer: async () => [demand] }, payer, bills, payments)
          : [];
        return {
          demand: { ...view, providerName: demand.providerName ?? demand.providerId },
          ...(due ? { due } : {}),
        };
      },
    }),
  ];
}
