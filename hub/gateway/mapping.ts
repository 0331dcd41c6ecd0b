import type { GatewayMandate, MandateStatus } from './mandate-port.js';
import type {
  GatewayEvent,
  GatewayEventType,
  GatewayOrder,
  GatewayRefund,
  OrderStatus,
  PaymentMethod,
  RefundStatus,
} from './port.js';
import type { WireEvent, WireMandate, WireOrder, WireRefund } from './wire.js';

/** Pure mappings from the sandbox's wire to the port: no I/O, tested on their own. */

const ORDER_STATUSES: Record<string, OrderStatus> = {
  created: 'created',
  pending: 'pending',
  captured: 'captured',
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
};
const REFUND_STATUSES: Record<string, RefundStatus> = { succeeded: 'succeeded', failed: 'failed' };
const METHODS: Record<string, PaymentMethod> = { card: 'card', upi: 'upi', netbanking: 'netbanking', wallet: 'wallet' };
const EVENT_TYPES: Record<string, GatewayEventType> = {
  'order.captured': 'order.captured',
  'order.failed': 'order.failed',
  'order.pending': 'order.pending',
  'refund.succeeded': 'refund.succeeded',
  'refund.failed': 'refund.failed',
};

const word = (raw: unknown) => (typeof raw === 'string' ? raw.trim().toLowerCase() : '');
// Own properties only: "constructor" or "__proto__" must not read Object.prototype.
const lookup = <T>(table: Record<string, T>, raw: unknown): T | undefined =>
  Object.hasOwn(table, word(raw)) ? table[word(raw)] : undefined;

/** Only an explicit word is final: anything else is pending, and the hub asks again later. */
export const orderStatusFrom = (raw: unknown): OrderStatus => lookup(ORDER_STATUSES, raw) ?? 'pending';
export const refundStatusFrom = (raw: unknown): RefundStatus => lookup(REFUND_STATUSES, raw) ?? 'pending';
export const methodFrom = (raw: unknown): PaymentMethod | undefined => lookup(METHODS, raw);
export const eventTypeFrom = (raw: unknown): GatewayEventType | undefined => lookup(EVENT_TYPES, raw);

export function toGatewayOrder(wire: WireOrder): GatewayOrder {
  const method = methodFrom(wire.method);
  return {
    orderId: wire.id,
    paymentId: wire.merchantRef,
    status: orderStatusFrom(wire.status),
    amountMinor: wire.amount,
    currency: wire.currency,
    capturedMinor: wire.amountCaptured,
    // A gateway that does not say captures in the order's currency.
    capturedCurrency: wire.capturedCurrency ?? wire.currency,
    ...(method ? { method } : {}),
    refundedMinor: wire.amountRefunded,
    ...(wire.instrument ? { instrument: wire.instrument } : {}),
  };
}

export const toGatewayRefund = (wire: WireRefund): GatewayRefund => ({
  refundId: wire.id,
  status: refundStatusFrom(wire.status),
  amountMinor: wire.amount,
  ...(wire.reference ? { reference: wire.reference } : {}),
});

/** The event, or undefined for a type the port does not know. */
export function toGatewayEvent(wire: WireEvent): GatewayEvent | undefined {
  const type = eventTypeFrom(wire.type);
  if (!type) return undefined;
  const { order } = wire.data;
  const refund = type.startsWith('refund.') ? wire.data.refund : undefined;
  if (type.startsWith('refund.') && !refund) return undefined;
  const amountMinor = refund ? refund.amount : type === 'order.captured' ? order.amountCaptured : order.amount;
  return {
    id: wire.id,
    type,
    orderId: order.id,
    paymentId: order.merchantRef,
    amountMinor,
    occurredAt: wire.createdAt,
    ...(refund ? { refundId: refund.id } : {}),
  };
}

const MANDATE_STATUSES: Record<string, MandateStatus> = {
  pending_approval: 'pending_approval',
  active: 'active',
  declined: 'declined',
  revoked: 'revoked',
  expired: 'expired',
};

/** A mandate word we do not know is not final: it reads as still waiting, and the hub asks again. */
export const mandateStatusFrom = (raw: unknown): MandateStatus => lookup(MANDATE_STATUSES, raw) ?? 'pending_approval';

export const toGatewayMandate = (wire: WireMandate): GatewayMandate => ({
  mandateId: wire.id,
  mandateRef: wire.merchantRef,
  status: mandateStatusFrom(wire.status),
  maxAmountMinor: wire.maxAmount,
  currency: wire.currency,
  validUntil: wire.validUntil,
  approvalUrl: wire.approvalUrl,
});
