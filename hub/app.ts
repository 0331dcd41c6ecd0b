import type { BillerRegistry } from '../adapters/registry/index.js';
import { allowedMethodsAsProblems } from '../infra/http/allowed-methods.js';
import { corsPolicy } from '../infra/http/cors.js';
import { securityHeaders } from '../infra/http/security-headers.js';
import { createNotifier } from '../infra/notifier/index.js';
import type { ServiceDeps, ServiceParts } from '../infra/service-runtime.js';
import { designAssets } from '../infra/web/design-assets.js';
import { accessTokens } from './api/access-token.js';
import { accountRoutes } from './api/routes/account-routes.js';
import { autopayRoutesFor } from './api/routes/autopay-routes.js';
import { billerRoutes } from './api/routes/biller-routes.js';
import { citizenDemandRoutes } from './api/routes/citizen-demand-routes.js';
import { complaintRoutes } from './api/routes/complaint-routes.js';
import { demandReceivedNotices } from './api/routes/demand-notice.js';
import { demandRoutes } from './api/routes/demand-routes.js';
import { feedbackRoutes } from './api/routes/feedback-routes.js';
import { operatorComplaintRoutes } from './api/routes/operator-complaint-routes.js';
import { operatorMetricsRoutes } from './api/routes/operator-metrics-routes.js';
import { operatorPaymentRoutes } from './api/routes/operator-payment-routes.js';
import { operatorRiskRoutes } from './api/routes/operator-risk-routes.js';
import { operatorRoutes } from './api/routes/operator-routes.js';
import { paymentRoutes } from './api/routes/payment-routes.js';
import { receiptRoutes } from './api/routes/receipt-routes.js';
import { walletRoutes } from './api/routes/wallet-routes.js';
import { v1Router } from './api/v1-router.js';
import { BillClaims } from './bill-claims/index.js';
import { BillService } from './bills/bill-service.js';
import { CheckoutService } from './checkout/checkout-service.js';
import { PaymentCapture, type StartSettlement } from './checkout/payment-capture.js';
import { complaintCounts, complaintOptionsOf, complaintParts, paymentComplaints } from './complaints/index.js';
import { type HubConfig, settlementOptionsOf } from './config.js';
import { ContactStore } from './contacts/contact-store.js';
import { DemandStore, DemandUploader } from './demands/index.js';
import { FeedbackStore } from './feedback/index.js';
import { createSandboxGatewayClient, type PaymentGateway } from './gateway/index.js';
import { Ledger } from './ledger/index.js';
import { registerHubMetrics } from './metrics/prometheus.js';
import { computeMetrics } from './metrics/report.js';
import { sharedReports } from './metrics/shared-reports.js';
import { createNotifications, notificationOptionsOf } from './notifications/index.js';
import { PaymentStore } from './payments/index.js';
import { createPortal, portalOptionsOf } from './portal/index.js';
import { receiptFonts } from './receipts/receipt-font.js';
import { ReceiptService, receiptOptionsOf } from './receipts/receipt-service.js';
import { riskDetail } from './risk/index.js';
import { SavedAccountStore } from './saved-accounts/saved-account-store.js';
import type { SettlementQueue } from './settlement/queue.js';
import { walletSettlementFromConfig } from './wallet/wallet-from-config.js';

export interface HubOptions {
  publicUrl?: string;
  /** How captured payments reach the settlement jobs. */
  startSettlement: StartSettlement;
  gateway?: PaymentGateway;
  /**
   * The work queue the worker's `notify` jobs run from: messages the API raises (a demand's payer
   * told) are recorded and queued there. Without it they are sent at once, in the request.
   */
  notifyQueue?: SettlementQueue;
  /** The work queue operator actions hand lines back to settlement on (re-post, refund a held line). */
  workQueue?: SettlementQueue;
}

/** The hub's citizen API on its MongoDB and Redis, with the billers already loaded. */
export async function buildHub(
  config: HubConfig,
  billers: BillerRegistry,
  { mongo, redis, log }: ServiceDeps,
  options: HubOptions,
): Promise<ServiceParts> {
  const publicUrl = options.publicUrl ?? `http://localhost:${config.HUB_PORT}`;
  // Where messages' links lead (notificationPublicUrl's order, with this hub's own URL last).
  const portalUrl = config.PORTAL_PUBLIC_URL ?? config.HUB_PUBLIC_URL ?? publicUrl;
  const bills = new BillService(billers, redis, {
    cacheSeconds: config.BILL_CACHE_SECONDS,
    timeoutMs: config.BILLER_TIMEOUT_MS,
  });
  const accounts = new SavedAccountStore(mongo, bills);
  const payments = new PaymentStore(mongo);
  const ledger = new Ledger(mongo);
  const receipts = new ReceiptService(mongo, billers, receiptOptionsOf(config, publicUrl));
  const feedback = new FeedbackStore(mongo, payments);
  await Promise.all([accounts.init(), payments.init(), ledger.init(), receipts.init(), feedback.init()]);
  const gateway =
    options.gateway ??
    createSandboxGatewayClient(
      {
        baseUrl: config.GATEWAY_BASE_URL,
        apiKey: config.GATEWAY_API_KEY,
        webhookSecret: config.GATEWAY_WEBHOOK_SECRET,
      },
      { log },
    );
  const claims = new BillClaims(payments, gateway, log);
  const capture = new PaymentCapture(payments, ledger, gateway, options.startSettlement, log, claims);
  const checkout = new CheckoutService(
    payments,
    bills,
    gateway,
    { returnUrl: config.CHECKOUT_RETURN_URL, ttlMinutes: config.CHECKOUT_TTL_MINUTES },
    { capture, claims },
  );
  const demands = new DemandStore(mongo);
  const uploader = new DemandUploader(mongo, demands);
  await uploader.init();
  const notifications = createNotifications({
    conn: mongo,
    notifier: createNotifier(config, { redis, log }),
    log,
    publicUrl: portalUrl,
    options: notificationOptionsOf(config),
    ...(options.notifyQueue ? { queue: options.notifyQueue } : {}),
  });
  const wallet = await walletSettlementFromConfig(config, mongo, demands, log, notifications);
  // Complaints (hub/complaints): a raise about an unknown line asks its biller at once, on the work queue.
  const complaints = await complaintParts({
    mongo,
    payments,
    notifications,
    billers,
    log,
    queue: options.notifyQueue,
    settlement: settlementOptionsOf(config),
    options: complaintOptionsOf(config),
  });
  const tokens = accessTokens({
    issuer: config.IDP_ISSUER,
    audience: config.HUB_API_RESOURCE,
    jwksUrl: config.IDP_JWKS_URL,
  });
  const routes = [
    ...billerRoutes(billers, bills),
    ...accountRoutes(accounts, bills, payments, demands),
    ...paymentRoutes({ payments, checkout, capture, gateway, contacts: new ContactStore(mongo) }),
    ...receiptRoutes({ receipts, fonts: receiptFonts(config.RECEIPT_FONT_FILE) }),
    ...demandRoutes({
      store: demands,
      uploader,
      notifyPayers: demandReceivedNotices({ notifications, portalUrl, log }),
    }),
    ...(wallet ? walletRoutes(wallet.settlement) : []),
    ...citizenDemandRoutes({ demands, bills, payments: payments.model }),
    ...(await autopayRoutesFor(config, { mongo, gateway, log, portalUrl })),
    ...operatorRoutes({
      mongo,
      payments,
      ledger,
      gateway,
      billers,
      queue: options.workQueue,
      options: settlementOptionsOf(config),
      log,
    }),
    ...complaintRoutes(complaints),
    ...operatorComplaintRoutes(complaints),
    ...feedbackRoutes(feedback),
    ...operatorMetricsRoutes({ mongo }),
    ...operatorPaymentRoutes({
      mongo,
      enrichers: [riskDetail, (payment) => paymentComplaints(complaints.store, payment._id)],
      complaintCounts: (ids) => complaintCounts(complaints.store, ids),
    }),
    ...operatorRiskRoutes({ mongo, payments, startSettlement: options.startSettlement }),
  ];
  const api = v1Router(routes, tokens, publicUrl);
  // The citizen portal (hub/portal/): pages outside /api/v1 that call the API over HTTP.
  const portal = createPortal(portalOptionsOf(config, publicUrl), { redis, mongo, log });
  return {
    // The payment metrics (billpay_ gauges) computed from MongoDB at scrape time, cached between
    // scrapes, and computed once for every hub process on this database (shared-reports.ts).
    registerMetrics: (registry) => {
      const cacheMs = config.METRICS_CACHE_SECONDS * 1000;
      const compute = sharedReports(redis, `hub:metrics:reports:${mongo.name}`, () => computeMetrics(mongo), {
        ttlMs: cacheMs,
      });
      registerHubMetrics(registry, mongo, { cacheMs, compute });
    },
    routes: (app) => {
      app.use(securityHeaders());
      // Deny by default: only HUB_CORS_ORIGINS may call from a browser (see infra/http/cors.ts).
      app.use(
        corsPolicy({
          origins: config.HUB_CORS_ORIGINS,
          allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
          exposeHeaders: ['Location', 'Idempotent-Replayed', 'Retry-After', 'WWW-Authenticate', 'Content-Disposition'],
        }),
      );
      app.use(designAssets());
      app.use(portal);
      app.use(api.routes());
      app.use(allowedMethodsAsProblems(api));
    },
    close: async () => {
      gateway.close?.();
      wallet?.close();
      await billers.close();
    },
  };
}
