import type { Job } from 'bullmq';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { Logger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { createNotifier, type Notifier } from '../../infra/notifier/index.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import {
  type AutopayDeps,
  type AutopayOptions,
  AutopayService,
  AutopayStore,
  autopayOptionsOf,
  DEFAULT_AUTOPAY_OPTIONS,
  holdsMandates,
  runAutopayCharges,
  scanAutopayBills,
} from '../autopay/index.js';
import { BillClaims, failLinesPaidElsewhere } from '../bill-claims/index.js';
import { loadBillers } from '../billers.js';
import { BillService } from '../bills/bill-service.js';
import { expireUnpaid } from '../checkout/expire-unpaid.js';
import { PaymentCapture } from '../checkout/payment-capture.js';
import { reconcileOpenOrders } from '../checkout/reconcile-open-orders.js';
import { SettingsStore } from '../citizen-settings/settings-store.js';
import {
  type ComplaintOptions,
  complaintOptionsOf,
  complaintParts,
  DEFAULT_COMPLAINT_OPTIONS,
} from '../complaints/index.js';
import { type HubConfig, settlementOptionsOf } from '../config.js';
import { ContactStore } from '../contacts/contact-store.js';
import { DemandStore } from '../demands/demand-store.js';
import { DemandUploader } from '../demands/demand-upload.js';
import type { PaymentGateway } from '../gateway/port.js';
import { createSandboxGatewayClient } from '../gateway/sandbox-gateway-client.js';
import { Ledger } from '../ledger/ledger.js';
import {
  confirmWithinMs,
  createNotifications,
  notificationOptionsOf,
  notificationPublicUrl,
  notifyFailedPayments,
  notifyLineChanges,
  portalLinks,
  reminderOptionsOf,
  sendReminders,
} from '../notifications/index.js';
import type { Payment } from '../payments/payment-model.js';
import { PaymentStore } from '../payments/payment-store.js';
import { issueReceipt, issueReceiptRunOf, ReceiptCatchUp } from '../receipts/issue-receipt.js';
import type { Receipt } from '../receipts/receipt-model.js';
import { ReceiptService, receiptOptionsOf } from '../receipts/receipt-service.js';
import { createGatewayReportClient } from '../reconciliation/index.js';
import { savedAccountModel } from '../saved-accounts/saved-account-model.js';
import type { LineDeps, LineSettledHook } from '../settlement/deps.js';
import { enquireUnknownLines } from '../settlement/enquiry.js';
import type { SettlementOptions } from '../settlement/options.js';
import {
  enqueueReceipt,
  enqueueSettlement,
  handOverLine,
  type SettlementJobData,
  type SettlementQueue,
  settlementQueue,
} from '../settlement/queue.js';
import { sweepStuckWork } from '../settlement/sweeper.js';
import { type JobHandler, processPaymentJob, processSettlementJob, startQueueWorker } from '../settlement/worker.js';
import type { WalletSettlement } from '../wallet/settle-by-wallet.js';
import { walletSettlementFromConfig } from '../wallet/wallet-from-config.js';
import { reconcileJob } from './reconcile-job.js';
import { sweepDemandWork } from './sweep-paid-elsewhere.js';

/** How a periodic job is scheduled: every so many ms, or a cron pattern in India's time zone. */
type Schedule = (
  options: SettlementOptions,
  autopay: AutopayOptions,
  complaints: ComplaintOptions,
) => { every: number } | { pattern: string; tz: string };

/**
 * Everything the worker process does, in one list. Jobs without a schedule are added by the hub
 * (settle-payment after a capture) or by other jobs (issue-receipt when a payment turns final,
 * settle-line again when an enquiry resolves a line). Scheduled jobs run on BullMQ job schedulers:
 * every replica upserts the same scheduler id, so each runs once per period across all of them.
 */
export const JOBS = {
  /** Posts every line of a just-captured payment at once, settles what is accepted in one update, hands the rest to settle-line (hub/settlement). */
  'settle-payment': {},
  /** Posts a line to its biller, polls it, refunds it if refused; job id = line id (hub/settlement). */
  'settle-line': {},
  /** Asks billers about lines whose outcome is unknown, when each one's next enquiry is due. */
  'status-enquiry': { schedule: (o) => ({ every: o.enquiryEveryMs }) },
  /** Issues a final payment's receipt and sends its message, once; job id = payment id (hub/receipts). */
  'issue-receipt': {},
  /** Sends one recorded message to a citizen and records the outcome, retried with backoff; job id = delivery id (hub/notifications). */
  notify: {},
  /** Picks up work a crash left behind (settlement, completions, ledger pairs) and catches receipts and messages up. */
  sweep: { schedule: (o) => ({ every: o.sweepEveryMs }) },
  /** Moves unpaid checkouts past their expiry to expired. */
  expire: { schedule: (o) => ({ every: o.expireEveryMs }) },
  /** Asks the gateway about unpaid checkouts, so a capture whose webhook was lost is not expired. */
  'reconcile-orders': { schedule: (o) => ({ every: o.reconcileOrdersEveryMs }) },
  /** The daily three-way reconciliation of ledger, gateway report and billers' files (hub/reconciliation). */
  reconcile: { schedule: (o) => ({ pattern: o.reconcilePattern, tz: 'Asia/Kolkata' }) },
  /** Reminds citizens of unpaid bills due soon, and of overdue ones, once per bill and due date (hub/notifications). */
  remind: { schedule: (o) => ({ pattern: o.remindPattern, tz: 'Asia/Kolkata' }) },
  /** Looks for new bills of accounts with autopay on: schedules each debit with its pre-debit notice, or tells of a bill over the limit (hub/autopay). */
  'autopay-scan': { schedule: (_o, a) => ({ every: a.scanEveryMs }) },
  /** Makes the autopay debits that are due (24 h or more after their notice) and resolves unknown ones (hub/autopay). */
  'autopay-charge': { schedule: (_o, a) => ({ every: a.chargeEveryMs }) },
  /** Re-checks complaints waiting for a biller against their line: settled or refunded resolves them (hub/complaints). */
  'complaint-follow-up': { schedule: (_o, _a, c) => ({ every: c.followUpEveryMs }) },
  /** Escalates complaints past their promised time, with a new one, and tells the citizen (hub/complaints). */
  'complaint-escalate': { schedule: (_o, _a, c) => ({ every: c.escalateEveryMs }) },
} as const satisfies Record<string, { schedule?: Schedule }>;

export type JobName = keyof typeof JOBS;

/** Throws, naming them, when a listed job has no handler or a handler has no listed job: start-up fails. */
export function checkHandlers(handlers: Readonly<Record<string, JobHandler | undefined>>): void {
  const missing = Object.keys(JOBS).filter((name) => typeof handlers[name] !== 'function');
  const unlisted = Object.keys(handlers).filter((name) => !(name in JOBS));
  if (missing.length + unlisted.length > 0) {
    throw new Error(
      `worker jobs: ${[...missing.map((n) => `no handler for ${n}`), ...unlisted.map((n) => `${n} is not listed`)].join('; ')}`,
    );
  }
}

/**
 * Puts every scheduled job of JOBS on its BullMQ job scheduler (upsert: the same id from every
 * replica is one scheduler); a schedule switched off (0 ms, a pattern `off`) is removed.
 */
export async function upsertSchedules(
  queue: SettlementQueue,
  options: SettlementOptions,
  autopay: AutopayOptions = DEFAULT_AUTOPAY_OPTIONS,
  complaints: ComplaintOptions = DEFAULT_COMPLAINT_OPTIONS,
): Promise<string[]> {
  const scheduled: string[] = [];
  for (const [name, job] of Object.entries(JOBS) as [JobName, { schedule?: Schedule }][]) {
    if (!job.schedule) continue;
    const repeat = job.schedule(options, autopay, complaints);
    const off = 'every' in repeat ? repeat.every <= 0 : ['', 'off'].includes(repeat.pattern.trim());
    if (off) {
      await queue.removeJobScheduler(name);
      continue;
    }
    // One try per run: the next run comes soon, and a failed one is logged by the worker.
    await queue.upsertJobScheduler(name, repeat, {
      name,
      data: {},
      opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    });
    scheduled.push(name);
  }
  return scheduled;
}

export interface WorkerJobsDeps {
  mongo: Connection;
  log: Logger;
  /** For the notifier's rate limits; needed unless `notifier` is given. */
  redis?: Redis;
  /** Loaded from BILLERS_FILE when not given. */
  billers?: BillerRegistry;
  /** Made from the GATEWAY_* variables when not given. */
  gateway?: PaymentGateway;
  notifier?: Pick<Notifier, 'send'>;
  /**
   * The wallet settlement whose unresolved transfers the sweep retries; made from the WALLET_*
   * variables when not given (none without WALLET_API_KEY); null: no wallet.
   */
  wallet?: Pick<WalletSettlement, 'retryUnresolved' | 'notifyReceipts'> | null;
  /** Told of each line settled by posting or enquiry: the capture→settled histogram (hub/metrics). */
  onLineSettled?: LineSettledHook;
}

export interface RunningJobs {
  /** The work queue: settle-line and issue-receipt jobs may be added to it. */
  queue: SettlementQueue;
  options: SettlementOptions;
  /** The schedulers this start upserted. */
  scheduled: string[];
  close(): Promise<void>;
}

/**
 * The worker process's jobs: one BullMQ worker on the work queue that runs each job by its
 * name's handler, and the job schedulers of JOBS. Fails to start when a job has no handler.
 */
export async function startWorkerJobs(config: HubConfig, deps: WorkerJobsDeps): Promise<RunningJobs> {
  const { log } = deps;
  const options = settlementOptionsOf(config);
  const billers = deps.billers ?? (await loadBillers(config.BILLERS_FILE, log));
  const gateway =
    deps.gateway ??
    createSandboxGatewayClient(
      {
        baseUrl: config.GATEWAY_BASE_URL,
        apiKey: config.GATEWAY_API_KEY,
        webhookSecret: config.GATEWAY_WEBHOOK_SECRET,
      },
      { log },
    );
  if (!deps.notifier && !deps.redis) throw new Error('worker jobs: give a notifier or a Redis connection for one');
  const notifier = deps.notifier ?? createNotifier(config, { redis: deps.redis as Redis, log });
  const payments = new PaymentStore(deps.mongo);
  const ledger = new Ledger(deps.mongo);
  const receipts = new ReceiptService(
    deps.mongo,
    billers,
    receiptOptionsOf(config, `http://localhost:${config.HUB_PORT}`),
  );
  const contacts = new ContactStore(deps.mongo);
  const settings = new SettingsStore(deps.mongo);
  // A verification link in the receipt's email only when the hub checks tokens with the same keys:
  // without RECEIPT_SIGNING_KEYS each process signs with a random key of its own.
  const verifyUrlOf =
    config.RECEIPT_SIGNING_KEYS.length > 0 ? (receipt: Receipt) => receipts.verifyUrlOf(receipt) : undefined;
  await Promise.all([payments.init(), ledger.init(), receipts.init()]);

  const queueConnection = createRedis(config.REDIS_URL, { forBlockingCommands: true });
  const workerConnection = createRedis(config.REDIS_URL, { forBlockingCommands: true });
  const queue = settlementQueue(queueConnection, options);
  const onPaymentFinal = async (payment: { _id: string }) => {
    await enqueueReceipt(queue, payment._id, { fresh: true });
  };
  const notifications = createNotifications({
    conn: deps.mongo,
    notifier,
    log,
    publicUrl: notificationPublicUrl(config),
    options: notificationOptionsOf(config),
    queue,
    contacts,
    settings,
  });
  const receiptCatchUp = new ReceiptCatchUp(
    { payments, receipts, notifications, queue, log },
    { olderThanMs: options.sweepOlderThanMs },
  );
  // A line turning unknown, or its refund starting or completing: the citizen is told.
  const onLineChange = notifyLineChanges(notifications, {
    billerName: (id) => billers.get(id)?.descriptor.name ?? id,
    confirmWithinMs: confirmWithinMs(options),
  });
  const lineDeps: LineDeps = { payments, ledger, billers, gateway, log, onPaymentFinal, onLineChange, options };
  // Lines settled by posting or enquiry feed the capture→settled histogram (hub/metrics).
  const { onLineSettled } = deps;
  lineDeps.onLineSettled = onLineSettled;
  // Expiry and order reconciliation apply captures they find, exactly as a webhook would.
  const capture = new PaymentCapture(
    payments,
    ledger,
    gateway,
    async (payment) => {
      await enqueueSettlement(queue, payment);
    },
    log,
  );
  const upkeep = { payments, gateway, capture, log };
  const claims = new BillClaims(payments, gateway, log);
  // A captured payment the sweep starts gets the same check for bills paid meanwhile as a capture.
  const beforeSettling = (payment: Payment) =>
    failLinesPaidElsewhere({ payments, claims, applyCapture: (other, order) => capture.apply(other, order) }, payment);
  const paymentIdOf = (job: Job<SettlementJobData>) => {
    if (!job.data.paymentId) throw new Error(`${job.name} job ${job.id} has no paymentId`);
    return job.data.paymentId;
  };

  // Demands paid elsewhere (wallet transfers) and CSV uploads: the sweep finishes what was left.
  const demands = new DemandStore(deps.mongo);
  const uploader = new DemandUploader(deps.mongo, demands);
  await uploader.init();
  const ownWallet =
    deps.wallet === undefined
      ? await walletSettlementFromConfig(config, deps.mongo, demands, log, notifications)
      : null;
  const wallet = deps.wallet === undefined ? (ownWallet?.settlement ?? null) : deps.wallet;

  const reports = createGatewayReportClient({ baseUrl: config.GATEWAY_BASE_URL, apiKey: config.GATEWAY_API_KEY });
  const bills = new BillService(billers, queueConnection, {
    cacheSeconds: config.BILL_CACHE_SECONDS,
    timeoutMs: config.BILLER_TIMEOUT_MS,
  });
  const autopay = await autopayParts(config, {
    mongo: deps.mongo,
    gateway,
    bills,
    payments,
    capture,
    notifications,
    billers,
    log,
  });
  const complaints = await complaintParts({
    mongo: deps.mongo,
    payments,
    notifications,
    billers,
    queue,
    settlement: options,
    options: complaintOptionsOf(config),
    log,
  });
  // A settle-payment job hands the lines it did not settle to their settle-line jobs.
  const handOver = handOverLine(queue);
  const handlers: Record<JobName, JobHandler> = {
    'settle-payment': (job) => processPaymentJob(lineDeps, job, handOver),
    'settle-line': (job, token) => processSettlementJob(lineDeps, job, token),
    'status-enquiry': async () => {
      const report = await enquireUnknownLines({ payments, billers, queue, log, options, onLineSettled });
      return { asked: Object.keys(report.lines).length, errors: report.errors };
    },
    'issue-receipt': (job) =>
      issueReceipt({ payments, receipts, verifyUrlOf, notifications, log }, paymentIdOf(job), issueReceiptRunOf(job)),
    notify: (job) => notifications.runJob(job),
    sweep: async () => {
      const olderThanMs = options.sweepOlderThanMs;
      const swept = await sweepStuckWork(
        { payments, ledger, queue, log, onPaymentFinal, beforeSettling },
        { olderThanMs },
      );
      const receiptsDue = await receiptCatchUp.run();
      const messages = await notifications.catchUp(olderThanMs);
      const failedTold = await notifyFailedPayments({ payments, notifications });
      const demandWork = await sweepDemandWork({ wallet, uploader, log });
      return {
        started: swept.started.length,
        requeued: swept.requeued.length,
        completed: swept.completed.length,
        receipts: receiptsDue.enqueued.length,
        messages,
        failedPaymentsTold: failedTold.length,
        walletTransfers: demandWork.wallet,
        walletReceiptsTold: demandWork.receiptsTold,
        uploadBatchesPublished: demandWork.publishedBatches,
        errors: swept.errors + demandWork.errors.length,
      };
    },
    expire: () => expireUnpaid(upkeep),
    'reconcile-orders': () => reconcileOpenOrders(upkeep),
    remind: () =>
      sendReminders(
        {
          accounts: savedAccountModel(deps.mongo),
          bills,
          payments: payments.model,
          notifications,
          billerName: (id) => billers.get(id)?.descriptor.name ?? id,
          duesUrl: portalLinks(notificationPublicUrl(config)).dues(),
          log,
        },
        reminderOptionsOf(config),
      ),
    'autopay-scan': async () => (autopay ? scanAutopayBills(autopay.deps, autopay.service) : { off: true }),
    'autopay-charge': async () => (autopay ? runAutopayCharges(autopay.deps) : { off: true }),
    'complaint-follow-up': async () => {
      const report = await complaints.followUp();
      return {
        checked: report.checked,
        resolved: report.resolved.length,
        reopened: report.reopened.length,
        errors: report.errors,
      };
    },
    'complaint-escalate': async () => {
      const report = await complaints.escalate();
      return { escalated: report.escalated.length, errors: report.errors };
    },
    reconcile: reconcileJob({
      mongo: deps.mongo,
      billers,
      gateway,
      reports,
      log,
      startSettlement: async (payment) => {
        await enqueueSettlement(queue, payment);
      },
    }),
  };
  checkHandlers(handlers);
  const worker = startQueueWorker(workerConnection, options, handlers, log);
  const scheduled = await upsertSchedules(queue, options, autopayOptionsOf(config), complaintOptionsOf(config));
  log.info({ queue: options.queueName, concurrency: options.concurrency, scheduled }, 'worker jobs started');

  return {
    queue,
    options,
    scheduled,
    close: async () => {
      await worker.close();
      await queue.close();
      await Promise.all([queueConnection.quit(), workerConnection.quit()]);
      reports.close();
      ownWallet?.close();
      if (!deps.gateway) (gateway as { close?: () => void }).close?.();
      if (!deps.billers) await billers.close();
    },
  };
}

/**
 * Autopay's store, service and job deps in the worker; null (its jobs do nothing) when the
 * gateway holds no mandates.
 */
async function autopayParts(
  config: HubConfig,
  parts: Omit<AutopayDeps, 'store' | 'accounts' | 'billerName' | 'links' | 'checkout' | 'options' | 'gateway'> & {
    mongo: Connection;
    gateway: PaymentGateway;
    billers: BillerRegistry;
  },
): Promise<{ deps: AutopayDeps; service: AutopayService } | null> {
  const { gateway, log } = parts;
  if (!holdsMandates(gateway)) {
    log.warn({ gateway: gateway.identifier }, 'the gateway holds no mandates: autopay is off');
    return null;
  }
  const store = new AutopayStore(parts.mongo);
  await store.init();
  const options = autopayOptionsOf(config);
  const links = portalLinks(notificationPublicUrl(config));
  const accounts = savedAccountModel(parts.mongo);
  const service = new AutopayService({
    store,
    gateway,
    accounts,
    options,
    returnUrl: options.returnUrl ?? `${notificationPublicUrl(config).replace(/\/+$/, '')}/autopay/return`,
    log,
  });
  const deps: AutopayDeps = {
    store,
    gateway,
    accounts,
    bills: parts.bills,
    payments: parts.payments,
    capture: parts.capture,
    notifications: parts.notifications,
    billerName: (id) => parts.billers.get(id)?.descriptor.name ?? id,
    links,
    checkout: { returnUrl: config.CHECKOUT_RETURN_URL, ttlMinutes: config.CHECKOUT_TTL_MINUTES },
    options,
    log,
  };
  return { deps, service };
}
