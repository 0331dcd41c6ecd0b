import type { MandateGateway, PaymentGateway } from '../gateway/index.js';

/** A gateway that holds mandates and takes ordinary orders: what autopay needs. */
export type AutopayGateway = PaymentGateway & MandateGateway;

/**
 * The gateway as a checkout sees it, except that "create the order" debits the mandate: the
 * charge is an order of the gateway (idempotent on the payment id), so the checkout records it,
 * and capture, settlement, the ledger, receipts and refunds follow exactly as for a hosted
 * checkout. Every other call is the gateway's own.
 */
export function mandateCheckoutGateway(gateway: AutopayGateway, mandateId: string): PaymentGateway {
  return {
    identifier: gateway.identifier,
    async createOrder(input) {
      const charge = await gateway.chargeMandate({
        mandateId,
        paymentId: input.paymentId,
        amountMinor: input.amountMinor,
        currency: input.currency,
        description: `Autopay: ${input.description}`,
      });
      return { orderId: charge.orderId, checkoutUrl: charge.checkoutUrl };
    },
    getOrder: (orderId) => gateway.getOrder(orderId),
    cancelOrder: (orderId) => gateway.cancelOrder(orderId),
    refund: (input) => gateway.refund(input),
    listRefunds: (orderId) => gateway.listRefunds(orderId),
    verifyWebhook: (rawBody, headers, now) => gateway.verifyWebhook(rawBody, headers, now),
  };
}

/** Whether a gateway holds mandates (a test's or a real gateway's adapter may not). */
export function holdsMandates(gateway: PaymentGateway): gateway is AutopayGateway {
  const candidate = gateway as Partial<AutopayGateway>;
  return typeof candidate.chargeMandate === 'function' && typeof candidate.createMandate === 'function';
}
