import { randomUUID } from 'node:crypto';
import type { Bill } from '../../adapters/sdk/index.js';
import {
  type Autopay,
  type AutopayDeps,
  type AutopayGateway,
  AutopayService,
  AutopayStore,
  DEFAULT_AUTOPAY_OPTIONS,
  runAutopayCharges,
  scanAutopayBills,
} from '../../hub/autopay/index.js';
import { BillClaims } from '../../hub/bill-claims/index.js';
import type { BillService } from '../../hub/bills/bill-service.js';
import { PaymentCapture } from '../../hub/checkout/payment-capture.js';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import { createSandboxGatewayClient } from '../../hub/gateway/sandbox-gateway-client.js';
import { Ledger } from '../../hub/ledger/index.js';
import { createNotifications, portalLinks } from '../../hub/notifications/index.js';
import { PaymentStore } from '../../hub/payments/index.js';
import { savedAccountModel } from '../../hub/saved-accounts/saved-account-model.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { API_KEY, type GatewayHarness, startGateway, WEBHOOK_SECRET } from '../hub-gateway/harness.js';
import { isolatedMongo } from '../support/isolation.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const PUBLIC_URL = 'https://billpay.example.gov.in';
const BILLER = 'state-electricity';

/** A citizen with one saved account whose current bill the test controls. */
export interface Citizen {
  sub: string;
  phone: string;
  accountId: string;
  consumerNumber: string;
  /** The bill the biller answers for this account now (change it to change the bill). */
  bill: Bill;
}

/**
 * Autopay on a database of its own, the real sandbox gateway (mandates, hosted approval page,
 * charges), the real checkout and capture over a stub biller, and notifications captured in memory.
 * Every job takes `now`: tests move time by passing it, never by waiting.
 */
export interface AutopayHarness {
  conn: Connection;
  gw: GatewayHarness;
  /** The sandbox client: the gateway autopay talks to unless a test wraps it (`deps.gateway`). */
  client: AutopayGateway & { close(): void };
  deps: AutopayDeps;
  service: AutopayService;
  store: AutopayStore;
  payments: PaymentStore;
  /** Payments handed to settlement, in order. */
  settlementStarts: string[];
  /** Every message the notifier sent. */
  sent: OutgoingMessage[];
  citizen(amountDueMinor?: number, dueInDays?: number): Promise<Citizen>;
  /** Turns autopay on and approves (or declines) the mandate on the gateway's hosted page, then returns as the portal does. */
  turnOn(who: Citizen, limitMinor: number, decision?: 'approve' | 'decline'): Promise<Autopay>;
  scan(now: Date): ReturnType<typeof scanAutopayBills>;
  charge(now: Date): ReturnType<typeof runAutopayCharges>;
  messagesTo(who: Citizen): OutgoingMessage[];
  close(): Promise<void>;
}

const indianDay = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 10);

export async function startAutopayHarness(label: string): Promise<AutopayHarness> {
  const { conn, drop } = await isolatedMongo(label);
  const payments = new PaymentStore(conn);
  const ledger = new Ledger(conn);
  const store = new AutopayStore(conn);
  await Promise.all([payments.init(), ledger.init(), store.init()]);
  const gw = await startGateway();
  const client = createSandboxGatewayClient({ baseUrl: gw.baseUrl, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });
  const log = createLogger('autopay-test', process.env.TEST_HUB_LOG ?? 'silent');
  const settlementStarts: string[] = [];
  const claims = new BillClaims(payments, client, log);
  const capture = new PaymentCapture(
    payments,
    ledger,
    client,
    async (payment) => {
      settlementStarts.push(payment._id);
    },
    log,
    claims,
  );
  const sent: OutgoingMessage[] = [];
  const notifications = createNotifications({
    conn,
    log,
    publicUrl: PUBLIC_URL,
    notifier: { send: async (message) => void sent.push(message) },
  });
  const bills = new Map<string, Bill>();
  const stubBills = {
    biller: () => ({ descriptor: { exactness: 'EXACT', consumerParams: [{ name: 'consumerNumber' }] } }),
    fetch: async (_billerId: string, consumer: Record<string, string>) => {
      const bill = bills.get(consumer.consumerNumber ?? '');
      if (!bill) throw new Error('no bill');
      return { bill, consumer, cached: false };
    },
  } as unknown as BillService;
  const accounts = savedAccountModel(conn);
  const links = portalLinks(PUBLIC_URL);
  const deps: AutopayDeps = {
    store,
    gateway: client,
    accounts,
    bills: stubBills,
    payments,
    capture,
    notifications,
    billerName: () => 'State Electricity Distribution Co.',
    links,
    checkout: { returnUrl: 'http://hub.test/return', ttlMinutes: 30 },
    options: DEFAULT_AUTOPAY_OPTIONS,
    log,
  };
  const service = new AutopayService({
    store,
    gateway: client,
    accounts,
    options: DEFAULT_AUTOPAY_OPTIONS,
    returnUrl: `${PUBLIC_URL}/autopay/return`,
    log,
  });
  const contacts = new ContactStore(conn);
  const runId = randomUUID().slice(0, 6);
  let next = 0;

  return {
    conn,
    gw,
    client,
    deps,
    service,
    store,
    payments,
    settlementStarts,
    sent,
    async citizen(amountDueMinor = 10_000, dueInDays = 10) {
      const consumerNumber = `${runId}${String(next++).padStart(4, '0')}`;
      const sub = `citizen-${consumerNumber}`;
      const phone = `+9198${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
      await contacts.remember(sub, { phone });
      const accountId = `ACC${consumerNumber}`;
      await accounts.create({
        _id: accountId,
        citizenSub: sub,
        billerId: BILLER,
        consumer: { consumerNumber },
        consumerKey: consumerNumber,
        consumerMasked: `******${consumerNumber.slice(-4)}`,
        nickname: 'Home',
      });
      const bill: Bill = {
        billNumber: `EB-${consumerNumber}`,
        customerName: 'A***',
        billDate: indianDay(Date.now() - 5 * DAY),
        dueDate: indianDay(Date.now() + dueInDays * DAY),
        amountDueMinor,
        breakup: [],
        currency: 'INR',
        fetchedAt: new Date().toISOString(),
      };
      bills.set(consumerNumber, bill);
      return {
        sub,
        phone,
        accountId,
        consumerNumber,
        get bill() {
          return bills.get(consumerNumber) as Bill;
        },
        set bill(value: Bill) {
          bills.set(consumerNumber, value);
        },
      };
    },
    async turnOn(who, limitMinor, decision = 'approve') {
      const pending = await service.turnOn(who.sub, who.accountId, limitMinor);
      const answer = await fetch(pending.mandate?.approvalUrl ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision }),
        redirect: 'manual',
      });
      if (answer.status !== 303) throw new Error(`the approval page answered ${answer.status}`);
      return service.confirmReturn(who.sub, pending._id);
    },
    scan: (now) => scanAutopayBills(deps, service, now),
    charge: (now) => runAutopayCharges(deps, now),
    messagesTo: (who) => sent.filter((message) => message.to === who.phone),
    async close() {
      client.close();
      await gw.close();
      await drop();
    },
  };
}
