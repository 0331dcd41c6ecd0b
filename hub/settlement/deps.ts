import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import type { PaymentGateway } from '../gateway/port.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Payment } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { SettlementOptions, SettlementOptionsInput } from './options.js';

/**
 * Called once a payment reaches completed, partially_refunded or refunded, by the run that moved it
 * (or the sweep): the worker enqueues its issue-receipt job here. A failure is logged, not retried:
 * the receipts catch-up of the sweep finds the payment from its state.
 */
export type PaymentFinalHook = (payment: Payment) => void | Promise<void>;

/** A line change the citizen is told of: its outcome became unknown, its refund started, or was made. */
export type LineNews = 'unknown' | 'refund_started' | 'refunded';

/**
 * Called once per change, by the run whose conditional transition made it, with the payment as
 * that transition left it: the worker sends the citizen's message here (hub/notifications). A
 * failure is logged; it never undoes or repeats the settlement step.
 */
export type LineChangeHook = (payment: Payment, lineId: string, news: LineNews) => void | Promise<void>;

/**
 * Called once per line settled at its biller, by the run whose transition settled it (posting or a
 * status enquiry), with the payment as that transition left it: the worker observes the
 * capture→settled histogram here (hub/metrics/settlement-histogram.ts). It must not throw.
 */
export type LineSettledHook = (payment: Payment, lineId: string) => void;

export type SettlementLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface SettlementDeps {
  payments: PaymentStore;
  ledger: Ledger;
  billers: Pick<BillerRegistry, 'get'>;
  gateway: Pick<PaymentGateway, 'refund'>;
  log: SettlementLog;
  onPaymentFinal?: PaymentFinalHook;
  onLineChange?: LineChangeHook;
  onLineSettled?: LineSettledHook;
  /** Made with `createRedis(url, { forBlockingCommands: true })`; BullMQ adds its own blocking connection. */
  connection: Redis;
  options?: SettlementOptionsInput;
}

/** What one line's steps use: the deps with their options resolved. */
export type LineDeps = Omit<SettlementDeps, 'connection' | 'options'> & { options: SettlementOptions };
