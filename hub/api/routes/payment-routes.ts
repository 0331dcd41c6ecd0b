import { z } from 'zod';
import { NotFoundError } from '../../../infra/errors.js';
import { checkoutBody, idempotencyKey } from '../../checkout/checkout-request.js';
import type { CheckoutService } from '../../checkout/checkout-service.js';
import type { PaymentCapture } from '../../checkout/payment-capture.js';
import type { ContactStore } from '../../contacts/contact-store.js';
import type { PaymentGateway } from '../../gateway/index.js';
import { wireEventSchema } from '../../gateway/wire.js';
import type { PaymentStore } from '../../payments/index.js';
import { checkoutBodyDocument } from '../request-documents.js';
import { checkoutResultSchema, paymentListSchema, paymentSchema } from '../response-schemas.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { parseInput } from '../validate.js';
import { paymentView } from './payment-view.js';

export interface PaymentRouteDeps {
  payments: PaymentStore;
  checkout: CheckoutService;
  capture: PaymentCapture;
  gateway: PaymentGateway;
  contacts: ContactStore;
}

/** Checkout, a citizen's own payments, and the gateway's webhook (receipts: receipt-routes.ts). */
export function paymentRoutes({ payments, checkout, capture, gateway, contacts }: PaymentRouteDeps): RouteSpec[] {
  const ownPayment = async (id: string, sub: string) => {
    const payment = await payments.findForCitizen(id, sub);
    if (!payment) throw new NotFoundError('no such payment');
    return payment;
  };
  return [
    defineRoute({
      method: 'post',
      path: '/checkouts',
      operationId: 'createCheckout',
      response: checkoutResultSchema,
      summary:
        'Pay one or more bills in one payment (Idempotency-Key header required); returns the gateway checkout URL',
      scopes: ['payments:write'],
      callers: ['citizen'],
      body: checkoutBody,
      bodyDocument: checkoutBodyDocument,
      status: 201,
      headers: {
        'Idempotency-Key': {
          required: true,
          description: '8 to 128 letters, digits or . _ : -; the same key and body replay the first answer',
          schema: idempotencyKey,
        },
      },
      responseHeaders: { 'Idempotent-Replayed': '`true` when this is the stored answer to an earlier request' },
      problems: {
        404: "account_not_found (line): a line's accountId is not one of this citizen's saved accounts; not_found: no such biller",
        409:
          'bill_already_paid (paymentId, paymentStatus), bill_payment_pending, checkout_superseded, ' +
          'idempotency_key_reused, bill_changed (currentBillNumber; for a saved account currentBillNumberMasked and currentBillRef)',
        410: 'checkout_closed: a replay for a payment that failed, expired or was cancelled; start a new checkout',
        422:
          "amount_not_allowed (line, payableMinor, exactness; amountOptions for a bill that has them): the biller's " +
          'exactness rule, or for a bill with amount options an amount that is none of them; duplicate_bill (line): two ' +
          "lines for one bill; consumer_not_found, invalid_consumer_number, biller_rejected: the biller's rules",
        503: 'gateway_unavailable, biller_unavailable, checkout_contended: retryable, with the same Idempotency-Key',
      },
      handler: async (ctx, { body, caller: citizen }) => {
        const key = parseInput(idempotencyKey, ctx.get('idempotency-key') || undefined);
        const result = await checkout.checkout(citizen.sub, key, body, { name: citizen.name });
        // Where the receipt goes: the contact the idp vouched for in this very token.
        await contacts.remember(citizen.sub, { email: citizen.email, phone: citizen.phone });
        if (!result.created) ctx.set('Idempotent-Replayed', 'true');
        return { payment: paymentView(result.payment), checkoutUrl: result.checkoutUrl };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/payments',
      operationId: 'listMyPayments',
      summary: 'My payments, newest first',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: paymentListSchema,
      handler: async (_ctx, { caller }) => ({
        payments: (await payments.listForCitizen(caller.sub)).map(paymentView),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/payments/:paymentId',
      operationId: 'getMyPayment',
      summary: 'One of my payments with its lines and timeline',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: paymentSchema,
      problems: { 404: 'not_found: no such payment of mine' },
      handler: async (_ctx, { params, caller }) => paymentView(await ownPayment(params.paymentId, caller.sub)),
    }),
    defineRoute({
      method: 'post',
      path: '/payments/:paymentId/sync',
      operationId: 'syncMyPayment',
      summary: 'Ask the gateway for the payment now, instead of waiting for its webhook',
      scopes: ['payments:write'],
      callers: ['citizen'],
      response: paymentSchema,
      problems: {
        404: 'not_found: no such payment of mine',
        503: 'gateway_unavailable: retryable',
      },
      handler: async (_ctx, { params, caller }) =>
        paymentView(await capture.sync(await ownPayment(params.paymentId, caller.sub))),
    }),
    defineRoute({
      method: 'post',
      path: '/gateway/webhooks',
      operationId: 'receiveGatewayWebhook',
      summary: 'Signed events from the payment gateway (Gateway-Signature over timestamp and raw body)',
      scopes: null,
      headers: {
        'Gateway-Signature': {
          required: true,
          description:
            't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the webhook secret> (several v1 while a secret rotates)',
          schema: z.string().regex(/^t=\d{1,12}(,v1=[0-9a-f]{64})+$/),
        },
      },
      problems: {
        400: 'webhook_rejected (reason: bad_signature, stale, malformed): refused, nothing applied',
        503: 'gateway_unavailable: the gateway could not be asked about the event; it delivers again',
      },
      body: z.looseObject({ id: z.string(), type: z.string() }),
      // The gateway checks the rest after the signature: its wire event is what it sends.
      bodyDocument: wireEventSchema,
      status: 204,
      handler: async (ctx) => {
        const raw = ctx.request.rawBody ?? '';
        await capture.onWebhook(gateway.verifyWebhook(raw, ctx.headers));
      },
    }),
  ];
}
