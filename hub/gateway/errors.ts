import { AppError } from '../../infra/errors.js';

/**
 * The gateway layer's errors, rendered by the hub like any AppError. `retryable` says whether
 * the same call may succeed later; `gatewayCode` keeps the gateway's own code for support.
 */
export class GatewayError extends AppError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly retryable: boolean,
    readonly gatewayCode?: string,
    details?: Record<string, unknown>,
  ) {
    super(status, code, message, details);
  }
}

/** Timeouts, network errors, 5xx, unreadable answers: the same call may succeed later. */
export class GatewayUnavailableError extends GatewayError {
  constructor(message: string, gatewayCode?: string) {
    super(503, 'gateway_unavailable', message, true, gatewayCode, { retryable: true });
  }
}

/** The gateway refused this request for good; repeating it unchanged will not help. */
export class GatewayRejectedError extends GatewayError {
  constructor(
    message: string,
    gatewayCode?: string,
    status = 502,
    code = 'gateway_rejected',
    details?: Record<string, unknown>,
  ) {
    super(status, code, message, false, gatewayCode, details);
  }
}

export class GatewayOrderNotFoundError extends GatewayRejectedError {
  constructor(readonly orderId: string) {
    super(`no order ${orderId} at the gateway`, 'order_not_found', 404, 'gateway_order_not_found');
  }
}

/** A refund larger than what was captured and not yet refunded. */
export class RefundExceedsCapturedError extends GatewayRejectedError {
  constructor(
    readonly requestedMinor: number,
    readonly refundableMinor: number,
  ) {
    super(
      `a refund of ${requestedMinor} exceeds the ${refundableMinor} still refundable`,
      'refund_exceeds_captured',
      409,
      'refund_exceeds_captured',
      { requestedMinor, refundableMinor },
    );
  }
}

export type WebhookRejectionReason = 'bad_signature' | 'stale' | 'malformed';

/** A webhook the hub must not act on; its endpoint answers 400 and the gateway may retry. */
export class WebhookRejectedError extends GatewayError {
  constructor(
    readonly reason: WebhookRejectionReason,
    message: string,
  ) {
    super(400, 'webhook_rejected', message, false, undefined, { reason });
  }
}
