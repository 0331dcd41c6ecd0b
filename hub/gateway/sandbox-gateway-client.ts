import { z } from 'zod';
import {
  type AdapterLogger,
  type BillerRequest,
  BillerUnavailableError,
  createBillerHttp,
} from '../../adapters/sdk/index.js';
import {
  type GatewayError,
  GatewayOrderNotFoundError,
  GatewayRejectedError,
  GatewayUnavailableError,
  RefundExceedsCapturedError,
  WebhookRejectedError,
} from './errors.js';
import type { MandateGateway } from './mandate-port.js';
import { toGatewayEvent, toGatewayMandate, toGatewayOrder, toGatewayRefund } from './mapping.js';
import type { PaymentGateway } from './port.js';
import { DEFAULT_TOLERANCE_SECONDS, verifySignature } from './webhook-signature.js';
import {
  wireErrorSchema,
  wireEventSchema,
  wireMandateSchema,
  wireOrderSchema,
  wireRefundListSchema,
  wireRefundSchema,
} from './wire.js';

const httpUrl = () => z.url({ protocol: /^https?$/ });

export const sandboxGatewayClientOptionsSchema = z.object({
  baseUrl: httpUrl(),
  apiKey: z.string().min(1),
  webhookSecret: z.string().min(1),
  /** Per attempt. */
  timeoutMs: z.number().int().positive().max(60_000).default(5_000),
  /** Extra attempts; every call here is safe to repeat (the gateway dedupes orders and refunds). */
  retries: z.number().int().min(0).max(5).default(2),
  /** How far a webhook's signed timestamp may be from now. */
  webhookToleranceSeconds: z.number().int().positive().default(DEFAULT_TOLERANCE_SECONDS),
});
export type SandboxGatewayClientOptions = z.input<typeof sandboxGatewayClientOptionsSchema>;

export interface SandboxGatewayClientContext {
  log?: AdapterLogger;
}

const createOrderInput = z.object({
  paymentId: z.string().min(1).max(64),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/),
  returnUrl: httpUrl(),
  description: z.string().max(255),
  expiresAt: z.date().optional(),
});
const createMandateInput = z.object({
  mandateRef: z.string().min(1).max(64),
  maxAmountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/),
  validUntil: z.date(),
  returnUrl: httpUrl(),
  description: z.string().max(255),
});
const chargeInput = z.object({
  mandateId: z.string().min(1),
  paymentId: z.string().min(1).max(64),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/),
  description: z.string().max(255),
});
const refundInput = z.object({
  orderId: z.string().min(1),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  refundKey: z.string().min(1).max(255),
});

const issues = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');

/** The hub's input is checked before anything is sent: a bad call is a bug, not worth a round trip. */
function checked<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new GatewayRejectedError(`${what}: ${issues(parsed.error)}`, 'invalid_request');
  return parsed.data;
}

interface CallContext {
  orderId?: string;
  requestedMinor?: number;
}

/** A non-2xx answer as the port's error: the gateway's code decides, the status only when it has none. */
function failureFrom(what: string, status: number, data: unknown, context: CallContext): GatewayError {
  const wire = wireErrorSchema.safeParse(data);
  const error = wire.success ? wire.data.error : undefined;
  if (error?.code === 'order_not_found' && context.orderId) return new GatewayOrderNotFoundError(context.orderId);
  if (error?.code === 'refund_exceeds_captured') {
    const refundable = Number(error.details?.refundable);
    return new RefundExceedsCapturedError(
      context.requestedMinor ?? 0,
      Number.isSafeInteger(refundable) ? refundable : 0,
    );
  }
  if (status === 408 || status === 429) return new GatewayUnavailableError(`${what} answered ${status}`, error?.code);
  const detail = error ? ` ${error.code}${error.message ? `: ${error.message}` : ''}` : '';
  return new GatewayRejectedError(`${what} answered ${status}${detail}`, error?.code);
}

/**
 * The port over the sandbox gateway's HTTP API, through the SDK's HTTP client: keep-alive,
 * a timeout per attempt, retries with backoff, the API key redacted from every message.
 */
export function createSandboxGatewayClient(
  options: SandboxGatewayClientOptions,
  context: SandboxGatewayClientContext = {},
): PaymentGateway & MandateGateway & { close(): void } {
  const parsed = sandboxGatewayClientOptionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`sandbox gateway options: ${issues(parsed.error)}`);
  const config = parsed.data;
  const http = createBillerHttp({
    name: 'sandbox-gateway',
    baseURL: config.baseUrl.replace(/\/+$/, ''),
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    headers: { authorization: `Bearer ${config.apiKey}`, accept: 'application/json' },
    secrets: [config.apiKey, config.webhookSecret],
    log: context.log,
  });

  const call = async <T>(request: BillerRequest, schema: z.ZodType<T>, callContext: CallContext = {}): Promise<T> => {
    const what = `sandbox gateway ${request.method} ${request.url}`;
    let response: Awaited<ReturnType<typeof http.request>>;
    try {
      response = await http.request<unknown>(request);
    } catch (caught) {
      if (caught instanceof BillerUnavailableError) {
        throw new GatewayUnavailableError(caught.message, caught.billerCode);
      }
      throw caught;
    }
    if (response.status < 200 || response.status >= 300) {
      throw failureFrom(what, response.status, response.data, callContext);
    }
    const body = schema.safeParse(response.data);
    if (!body.success) throw new GatewayUnavailableError(`${what} answered ${response.status} with an unexpected body`);
    return body.data;
  };
  const orderPath = (orderId: string) => `/v1/orders/${encodeURIComponent(orderId)}`;
  const listRefunds = async (orderId: string) => {
    if (typeof orderId !== 'string' || !orderId) throw new GatewayOrderNotFoundError(String(orderId));
    const wire = await call({ method: 'GET', url: `${orderPath(orderId)}/refunds` }, wireRefundListSchema, {
      orderId,
    });
    return wire.refunds.map(toGatewayRefund);
  };

  const mandatePath = (mandateId: string) => {
    if (typeof mandateId !== 'string' || !mandateId) {
      throw new GatewayRejectedError(`no mandate ${String(mandateId)}`, 'mandate_not_found', 404);
    }
    return `/v1/mandates/${encodeURIComponent(mandateId)}`;
  };

  /**
   * POSTs a new order or mandate charge (`data` keyed by its merchantRef) and reads the order the
   * gateway answers. Idempotent: the gateway answers a repeated merchantRef with the first order.
   */
  const postOrder = (url: string, data: Record<string, unknown>) =>
    call({ method: 'POST', url, data, idempotent: true }, wireOrderSchema);

  return {
    identifier: 'sandbox',

    async createMandate(input) {
      const mandate = checked(createMandateInput, input, 'createMandate');
      const wire = await call(
        {
          method: 'POST',
          url: '/v1/mandates',
          data: {
            merchantRef: mandate.mandateRef,
            maxAmount: mandate.maxAmountMinor,
            currency: mandate.currency,
            validUntil: mandate.validUntil.toISOString(),
            returnUrl: mandate.returnUrl,
            description: mandate.description,
          },
          // The gateway answers a repeated merchantRef with the first mandate.
          idempotent: true,
        },
        wireMandateSchema,
      );
      return { mandateId: wire.id, approvalUrl: wire.approvalUrl };
    },

    async getMandate(mandateId) {
      return toGatewayMandate(await call({ method: 'GET', url: mandatePath(mandateId) }, wireMandateSchema));
    },

    async revokeMandate(mandateId) {
      const url = `${mandatePath(mandateId)}/revoke`;
      return toGatewayMandate(await call({ method: 'POST', url, idempotent: true }, wireMandateSchema));
    },

    async chargeMandate(input) {
      const charge = checked(chargeInput, input, 'chargeMandate');
      // The gateway answers a repeated merchantRef with the first charge: a retry debits once.
      const wire = await postOrder(`${mandatePath(charge.mandateId)}/charges`, {
        merchantRef: charge.paymentId,
        amount: charge.amountMinor,
        currency: charge.currency,
        description: charge.description,
      });
      const order = toGatewayOrder(wire);
      return { orderId: order.orderId, checkoutUrl: wire.checkoutUrl, status: order.status };
    },

    async findMandateCharge(mandateId, paymentId) {
      const url = `${mandatePath(mandateId)}/charges/${encodeURIComponent(paymentId)}`;
      try {
        return toGatewayOrder(await call({ method: 'GET', url }, wireOrderSchema));
      } catch (error) {
        // Only the gateway's explicit "no such charge" is an answer; anything else stays unknown.
        if (error instanceof GatewayRejectedError && error.gatewayCode === 'charge_not_found') return undefined;
        throw error;
      }
    },

    async createOrder(input) {
      const order = checked(createOrderInput, input, 'createOrder');
      // The gateway answers a repeated merchantRef with the first order, so a retry cannot open two.
      const wire = await postOrder('/v1/orders', {
        merchantRef: order.paymentId,
        amount: order.amountMinor,
        currency: order.currency,
        returnUrl: order.returnUrl,
        description: order.description,
        ...(order.expiresAt ? { expiresAt: order.expiresAt.toISOString() } : {}),
      });
      return { orderId: wire.id, checkoutUrl: wire.checkoutUrl };
    },

    async getOrder(orderId) {
      if (typeof orderId !== 'string' || !orderId) throw new GatewayOrderNotFoundError(String(orderId));
      return toGatewayOrder(await call({ method: 'GET', url: orderPath(orderId) }, wireOrderSchema, { orderId }));
    },

    async cancelOrder(orderId) {
      if (typeof orderId !== 'string' || !orderId) throw new GatewayOrderNotFoundError(String(orderId));
      try {
        return toGatewayOrder(
          await call({ method: 'POST', url: `${orderPath(orderId)}/cancel`, idempotent: true }, wireOrderSchema, {
            orderId,
          }),
        );
      } catch (error) {
        // Already paid (or being paid): the order as it stands is the answer.
        if (error instanceof GatewayRejectedError && error.gatewayCode === 'order_not_cancellable') {
          return toGatewayOrder(await call({ method: 'GET', url: orderPath(orderId) }, wireOrderSchema, { orderId }));
        }
        throw error;
      }
    },

    listRefunds,

    async refund(input) {
      const refund = checked(refundInput, input, 'refund');
      // The gateway forgets Idempotency-Keys (after 24 h at the sandbox): the reference it lists
      // forever is what keeps a refund retried days later from paying twice.
      const earlier = (await listRefunds(refund.orderId)).find((r) => r.reference === refund.refundKey);
      if (earlier && earlier.amountMinor !== undefined && earlier.amountMinor !== refund.amountMinor) {
        throw new GatewayRejectedError(
          `refund key ${refund.refundKey} was used for a refund of ${earlier.amountMinor}`,
          'idempotency_key_reused',
          409,
        );
      }
      if (earlier) return earlier;
      const wire = await call(
        {
          method: 'POST',
          url: `${orderPath(refund.orderId)}/refunds`,
          data: { amount: refund.amountMinor, reference: refund.refundKey },
          headers: { 'idempotency-key': refund.refundKey },
          // The Idempotency-Key makes a repeat return the first refund.
          idempotent: true,
        },
        wireRefundSchema,
        { orderId: refund.orderId, requestedMinor: refund.amountMinor },
      );
      return toGatewayRefund(wire);
    },

    verifyWebhook(rawBody, headers, now = Date.now()) {
      verifySignature(rawBody, headers, config.webhookSecret, now, config.webhookToleranceSeconds);
      let json: unknown;
      try {
        json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
      } catch {
        throw new WebhookRejectedError('malformed', 'the webhook body is not JSON');
      }
      const wire = wireEventSchema.safeParse(json);
      if (!wire.success) throw new WebhookRejectedError('malformed', `the webhook body: ${issues(wire.error)}`);
      const event = toGatewayEvent(wire.data);
      if (!event) {
        throw new WebhookRejectedError(
          'malformed',
          `unknown event type ${JSON.stringify(wire.data.type.slice(0, 40))}`,
        );
      }
      return event;
    },

    close() {
      http.close();
    },
  };
}
