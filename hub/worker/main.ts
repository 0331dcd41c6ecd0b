import { createLogger } from '../../infra/logger.js';
import { createNotifier } from '../../infra/notifier/index.js';
import { runService, startService } from '../../infra/service-runtime.js';
import { loadBillers } from '../billers.js';
import { expireUnpaid } from '../checkout/expire-unpaid.js';
import { PaymentCapture } from '../checkout/payment-capture.js';
import { loadHubConfig } from '../config.js';
import { ContactStore } from '../contacts/contact-store.js';
import { createSandboxGatewayClient } from '../gateway/index.js';
import { Ledger } from '../ledger/index.js';
import { PaymentStore } from '../payments/index.js';
import { onPaymentFinal } from '../receipts/on-payment-final.js';
import { ReceiptService } from '../receipts/receipt-service.js';
import { enqueueSettlement, runSettlementWorker } from '../settlement/index.js';

/** How often unpaid checkouts past their expiry are marked expired. */
const EXPIRY_SWEEP_MS = 60_000;

// The worker process: settlement jobs (posting, polling, refunds), the sweeper, receipts and
// their messages run here, apart from the API, with health, readiness and metrics on WORKER_PORT.
await runService('worker', async () => {
  const config = loadHubConfig();
  const log = createLogger('worker');
  const billers = await loadBillers(config.BILLERS_FILE, log);
  return startService({
    name: 'worker',
    port: config.WORKER_PORT,
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    logger: log,
    build: async ({ mongo, redis }) => {
      const receipts = new ReceiptService(mongo, billers);
      await receipts.init();
      const settlement = await runSettlementWorker(config, {
        mongo,
        log,
        billers,
        onPaymentFinal: onPaymentFinal({
          receipts,
          contacts: new ContactStore(mongo),
          notifier: createNotifier(config, { redis, log }),
          log,
        }),
      });
      const payments = new PaymentStore(mongo);
      // Expiry asks the gateway first, and applies a capture it finds (a lost webhook).
      const gateway = createSandboxGatewayClient(
        {
          baseUrl: config.GATEWAY_BASE_URL,
          apiKey: config.GATEWAY_API_KEY,
          webhookSecret: config.GATEWAY_WEBHOOK_SECRET,
        },
        { log },
      );
      const capture = new PaymentCapture(
        payments,
        new Ledger(mongo),
        gateway,
        async (payment) => {
          await enqueueSettlement(settlement.queue, payment);
        },
        log,
      );
      const expiry = setInterval(() => {
        expireUnpaid({ payments, gateway, capture, log }).catch((error: unknown) =>
          log.error({ err: error }, 'expiring checkouts failed'),
        );
      }, EXPIRY_SWEEP_MS);
      expiry.unref();
      return {
        close: async () => {
          clearInterval(expiry);
          gateway.close();
          await settlement.close();
          await billers.close();
        },
      };
    },
  });
});
