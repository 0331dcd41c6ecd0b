import { randomUUID } from 'node:crypto';
import type { Bill } from '../../adapters/sdk/index.js';
import { BillClaims } from '../../hub/bill-claims/index.js';
import type { BillService } from '../../hub/bills/bill-service.js';
import type { CheckoutBody } from '../../hub/checkout/checkout-request.js';
import { type CheckoutResult, CheckoutService } from '../../hub/checkout/checkout-service.js';
import type { CheckoutUpkeepDeps } from '../../hub/checkout/expire-unpaid.js';
import { PaymentCapture } from '../../hub/checkout/payment-capture.js';
import {
  type CreatedOrder,
  type CreateOrderInput,
  GatewayUnavailableError,
  type PaymentGateway,
} from '../../hub/gateway/index.js';
import type { SandboxGatewayOptions } from '../../hub/gateway/sandbox-server/app.js';
import { Ledger } from '../../hub/ledger/index.js';
import { type Payment, PaymentStore } from '../../hub/payments/index.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { type GatewayHarness, startGateway } from '../hub-gateway/harness.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { isolatedMongo } from '../support/isolation.js';

export const BILL_MINOR = 10_000;
export const TTL_MINUTES = 30;

/**
 * The checkout and capture services on a database of their own and the real sandbox gateway,
 * whose webhooks go to a receiver that is not the hub: the hub only learns what it asks for
 * (capture.sync, expiry, reconciliation). Billers are a stub that has one bill per consumer.
 */
export interface CheckoutHarness {
  conn: Connection;
  payments: PaymentStore;
  ledger: Ledger;
  gw: GatewayHarness;
  /** The port the services use: the sandbox client, which tests can take down. */
  gateway: PaymentGateway;
  checkout: CheckoutService;
  capture: PaymentCapture;
  claims: BillClaims;
  /** Payments handed to settlement, in order. */
  settlementStarts: string[];
  /** Gateway calls made, by method. */
  calls: Record<string, number>;
  /** While true every gateway call fails as unavailable (a 503). */
  setGatewayDown(down: boolean): void;
  /** Runs once, inside the next createOrder, after the gateway made the order and before the hub hears of it. */
  afterNextOrder(hook: (input: CreateOrderInput, order: CreatedOrder) => Promise<void>): void;
  /** Expiry and reconciliation deps; `now` shifted by `aheadMs`. */
  upkeep(aheadMs?: number): CheckoutUpkeepDeps;
  /** A checkout body for bills of these consumer numbers (state-electricity). */
  body(...consumers: string[]): CheckoutBody;
  /** A consumer number no other test uses. */
  consumer(): string;
  run(body: CheckoutBody, key?: string, citizen?: string): Promise<CheckoutResult>;
  /** Pays the order on the gateway's hosted page, as the citizen's browser does. */
  pay(checkoutUrl: string, outcome?: 'success' | 'failure' | 'pending'): Promise<void>;
  reload(id: string): Promise<Payment>;
  close(): Promise<void>;
}

const billOf = (consumerNumber: string): Bill => ({
  billNumber: `B-${consumerNumber}`,
  customerName: 'A***',
  billDate: '2026-11-01',
  dueDate: '2026-12-31',
  amountDueMinor: BILL_MINOR,
  breakup: [],
  currency: 'INR',
  fetchedAt: new Date().toISOString(),
});

const stubBills = {
  biller: () => ({ descriptor: { exactness: 'EXACT', consumerParams: [{ name: 'consumerNumber' }] } }),
  fetch: async (_billerId: string, consumer: Record<string, string>) => ({
    bill: billOf(consumer.consumerNumber ?? ''),
    consumer,
    cached: false,
  }),
} as unknown as BillService;

export async function startCheckoutHarness(
  label: string,
  gatewayOptions: Partial<SandboxGatewayOptions> = {},
): Promise<CheckoutHarness> {
  const { conn, drop } = await isolatedMongo(label);
  const payments = new PaymentStore(conn);
  const ledger = new Ledger(conn);
  await Promise.all([payments.init(), ledger.init()]);
  const gw = await startGateway(gatewayOptions);
  const log = createLogger('checkout-test', process.env.TEST_HUB_LOG ?? 'silent');
  const calls: Record<string, number> = {};
  let down = false;
  let hook: ((input: CreateOrderInput, order: CreatedOrder) => Promise<void>) | undefined;
  const guarded =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls[name] = (calls[name] ?? 0) + 1;
      if (down) throw new GatewayUnavailableError(`sandbox gateway ${name}: connect ECONNREFUSED`);
      return fn(...args);
    };
  const client = gw.client;
  const gateway: PaymentGateway = {
    identifier: 'sandbox',
    createOrder: guarded('createOrder', async (input: CreateOrderInput) => {
      const run = hook;
      hook = undefined;
      const order = await client.createOrder(input);
      await run?.(input, order);
      return order;
    }),
    getOrder: guarded('getOrder', (id: string) => client.getOrder(id)),
    cancelOrder: guarded('cancelOrder', (id: string) => client.cancelOrder(id)),
    refund: guarded('refund', (input) => client.refund(input)),
    listRefunds: guarded('listRefunds', (id: string) => client.listRefunds(id)),
    verifyWebhook: (raw, headers, now) => client.verifyWebhook(raw, headers, now),
  };
  const settlementStarts: string[] = [];
  const claims = new BillClaims(payments, gateway, log);
  const capture = new PaymentCapture(
    payments,
    ledger,
    gateway,
    async (payment) => {
      settlementStarts.push(payment._id);
    },
    log,
    claims,
  );
  const checkout = new CheckoutService(
    payments,
    stubBills,
    gateway,
    { returnUrl: 'http://hub.test/return', ttlMinutes: TTL_MINUTES },
    { capture, claims },
  );
  let next = 0;
  const runId = randomUUID().slice(0, 6);
  return {
    conn,
    payments,
    ledger,
    gw,
    gateway,
    checkout,
    capture,
    claims,
    settlementStarts,
    calls,
    setGatewayDown: (value) => {
      down = value;
    },
    afterNextOrder: (fn) => {
      hook = fn;
    },
    upkeep: (aheadMs = 0) => ({ payments, gateway, capture, log, now: () => Date.now() + aheadMs }),
    body: (...consumers) => ({
      lines: consumers.map((consumerNumber) => ({
        billerId: 'state-electricity',
        consumer: { consumerNumber },
        billNumber: `B-${consumerNumber}`,
        amountMinor: BILL_MINOR,
      })),
    }),
    consumer: () => `${runId}${String(next++).padStart(4, '0')}`,
    run: (body, key = randomUUID(), citizen = 'citizen-1') => checkout.checkout(citizen, key, body),
    pay: async (checkoutUrl, outcome = 'success') => {
      await payAtHostedCheckout(checkoutUrl, { outcome });
    },
    reload: async (id) => {
      const payment = await payments.findById(id);
      if (!payment) throw new Error(`no payment ${id}`);
      return payment;
    },
    close: async () => {
      await gw.close();
      await drop();
    },
  };
}

/** The AppError a checkout was refused with (status, code, details), or a failure when it was not. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<{ status: number; code: string; details: Record<string, unknown> }> {
  const error = await promise.then(
    () => {
      throw new Error('the checkout was not refused');
    },
    (caught: unknown) => caught,
  );
  const { status, code, details } = error as { status: number; code: string; details?: Record<string, unknown> };
  return { status, code, details: details ?? {} };
}
